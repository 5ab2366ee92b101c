def test_a_huge_body_is_refused_before_it_is_read(client, world, settings):
    settings.GUANJIA_UPLOAD_MAX_BYTES = 1024
    client.force_login(world.ent1_user)
    big = b"x" * (1024 * 1024 + 20 * 1024)
    multipart = "multipart/form-data; boundary=guanjia"
    response = client.post("/api/v1/requests/", data=big, content_type=multipart)
    assert response.status_code == 413 and "过大" in response.json()["detail"]
    response = client.post("/requests/new/", data=big, content_type=multipart)
    assert response.status_code == 413
    assert client.get("/").status_code == 200


def test_a_body_without_files_is_refused_past_djangos_own_limit(client, world, settings):
    """Django would answer a bare HTML 400 after reading it; the API answers JSON, the pages plain text."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
    client.force_login(world.ent1_user)
    body = '{"description": "' + "x" * (3 * 1024 * 1024) + '"}'
    response = client.post("/api/v1/requests/", data=body, content_type="application/json")
    assert response.status_code == 413 and "上限 2 MB" in response.json()["detail"]
    response = client.post("/requests/new/", data={"title": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413 and "上限 2 MB" in response.content.decode()
    small = client.post("/api/v1/requests/", data='{"title": ""}', content_type="application/json")
    assert small.status_code == 400  # under the limit: the usual field errors
