def test_a_huge_body_is_refused_before_it_is_read(client, world, settings):
    settings.GUANJIA_UPLOAD_MAX_BYTES = 1024
    client.force_login(world.ent1_user)
    big = b"x" * (1024 * 1024 + 20 * 1024)
    response = client.post("/api/v1/requests/", data=big, content_type="application/octet-stream")
    assert response.status_code == 413 and "过大" in response.json()["detail"]
    response = client.post("/requests/new/", data=big, content_type="application/octet-stream")
    assert response.status_code == 413
    assert client.get("/").status_code == 200
