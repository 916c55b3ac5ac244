"""The supervision hub lists the pages each supervising role may open; others get no hub."""

import pytest
from django.urls import reverse

from enforcement import supervision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _keys(response) -> list[str]:
    return [page.key for page in response.context["pages"]]


def test_a_supervisor_sees_every_page(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("supervision"))
    assert response.status_code == 200
    assert _keys(response) == [
        "indicators",
        "workload",
        "money-ageing",
        "forecast",
        "alerts",
        "closure-reviews",
    ]
    assert b'id="supervision-link"' in response.content
    for page in response.context["pages"]:
        assert client.get(page.url).status_code == 200, page.key


def test_a_team_lead_sees_his_teams_pages_but_not_the_money_or_the_reviews(client, team_lead):
    client.force_login(team_lead)
    assert _keys(client.get(reverse("supervision"))) == ["indicators", "workload", "forecast", "alerts"]


def test_finance_sees_the_money_pages(client, finance):
    client.force_login(finance)
    response = client.get(reverse("supervision"))
    assert _keys(response) == ["indicators", "money-ageing"]
    for page in response.context["pages"]:
        assert client.get(page.url).status_code == 200, page.key


@pytest.mark.parametrize("persona", ["judge", "clerk", "outsider"])
def test_who_supervises_nothing_gets_no_hub(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("supervision")).status_code == 403
    assert b'id="supervision-link"' not in client.get(reverse("home")).content


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("supervision"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_home_page_of_a_supervisor_starts_with_his_pages(client, supervisor):
    client.force_login(supervisor)
    content = client.get(reverse("home")).content.decode()
    assert 'id="supervision-home"' in content
    assert content.index('id="supervision-home"') < content.index("Recent cases")


def test_a_page_registered_twice_is_listed_once(supervisor):
    page = supervision.SupervisionPage(
        key="twice", title="T", description="D", url_name="home", order=99, shown_to=lambda user: True
    )
    try:
        supervision.register_page(page)
        supervision.register_page(page)
        assert [p.key for p in supervision.pages_for(supervisor)].count("twice") == 1
    finally:
        supervision._pages.pop("twice", None)
