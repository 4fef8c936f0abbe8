from accounts.models import time_zone_choices


def test_time_zone_choices_offer_places_and_utc_only():
    names = [name for name, _ in time_zone_choices()]

    assert names[0] == "UTC"
    assert "Europe/Berlin" in names and "Pacific/Kiritimati" in names
    assert not {"localtime", "Factory", "EST", "Etc/GMT+5"} & set(names)
