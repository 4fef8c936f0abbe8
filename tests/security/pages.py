"""Reading what a rendered page says, for assertions on error keys."""


def error_code(response, field="code", form="form"):
    """The key of the first error beside `field` on the rendered page."""
    return response.context[form].errors.as_data()[field][0].code
