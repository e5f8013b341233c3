from django.urls import reverse


def test_liveness_answers_without_dependencies(client):
    response = client.get(reverse("ops:health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
