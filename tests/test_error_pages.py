from django.test import Client
from django.views.defaults import server_error


def test_unknown_address_shows_the_product_404_page(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert b"There is nothing at this address" in response.content


def test_form_without_csrf_token_explains_what_to_do(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/sign-in/", {"username": "a@example.com"})

    assert response.status_code == 403
    assert b"This form has expired" in response.content


def test_server_error_page_renders_without_any_context(rf):
    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
