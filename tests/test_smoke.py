def test_sign_in_page_renders(client):
    response = client.get("/sign-in/")

    assert response.status_code == 200
    assert b"Sign in" in response.content
