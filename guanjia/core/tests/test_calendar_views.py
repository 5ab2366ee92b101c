"""The working-day clock's API (API.md "working days"), calculator page and admins' holiday years page."""

import pytest

from guanjia.core.models import CalendarDay, HolidayYear
from guanjia.tests_support.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("guanjia.core.tests.calendar_test_urls")]

API = "/api/v1/calendar/add-working-days/"
PAGE = "/calendar/"
YEARS = "/calendar/years/"
BADGE = "临时日历（待官方公布）"


@pytest.fixture
def butler(db):
    return UserFactory(roles=["butler"])


@pytest.fixture
def admin(db):
    return UserFactory(roles=["admin"])


# --- API --------------------------------------------------------------------------------------------


def test_api_answers_the_due_date(api, butler):
    api.force_authenticate(butler)
    response = api.get(API, {"start": "2025-09-26", "days": 1})
    assert response.status_code == 200
    assert response.json() == {"start": "2025-09-26", "days": 1, "due": "2025-09-28", "provisional": False}
    body = api.get(API, {"start": "2026-12-31", "days": 1}).json()
    assert body["due"] == "2027-01-04" and body["provisional"] is True


def test_api_refuses_a_year_without_calendar(api, butler):
    api.force_authenticate(butler)
    response = api.get(API, {"start": "2099-01-05", "days": 3})
    assert response.status_code == 400
    assert "2099年" in response.json()["start"][0]
    response = api.get(API, {"start": "2027-12-31", "days": 1})  # would run into 2028
    assert response.status_code == 400 and "2028年" in response.json()["days"][0]


@pytest.mark.parametrize("params, field", [
    ({"start": "2025-02-30", "days": 1}, "start"),
    ({"start": "yesterday", "days": 1}, "start"),
    ({"days": 1}, "start"),
    ({"start": "2025-09-26"}, "days"),
    ({"start": "2025-09-26", "days": "abc"}, "days"),
    ({"start": "2025-09-26", "days": 0}, "days"),
    ({"start": "2025-09-26", "days": -3}, "days"),
    ({"start": "2025-09-26", "days": 10**9}, "days"),
    ({"start": "0001-01-01", "days": 1}, "start"),
    ({"start": "9999-12-31", "days": 1}, "start"),
])
def test_api_bad_input_is_a_400_with_field_errors(api, butler, params, field):
    api.force_authenticate(butler)
    response = api.get(API, params)
    assert response.status_code == 400
    assert list(response.json()) == [field] and response.json()[field][0]


def test_api_requires_login(api):
    assert api.get(API, {"start": "2025-09-26", "days": 1}).status_code == 401


def test_api_is_in_the_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"][API]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"start", "days"}


# --- the calculator page ------------------------------------------------------------------------------


def test_calculator_answers_and_lists_the_holidays(client, butler):
    client.force_login(butler)
    response = client.get(PAGE, {"start": "2025-09-30", "days": 1})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2025-10-09" in html and "国庆节" in html and BADGE not in html


def test_calculator_shows_the_provisional_badge(client, butler):
    client.force_login(butler)
    html = client.get(PAGE, {"start": "2026-12-31", "days": 1}).content.decode()
    assert "2027-01-04" in html and BADGE in html


def test_calculator_bad_input_and_missing_year_are_messages(client, butler):
    client.force_login(butler)
    response = client.get(PAGE, {"start": "2099-01-05", "days": 1})
    assert response.status_code == 200 and "2099年的节假日安排尚未公布" in response.content.decode()
    response = client.get(PAGE, {"start": "not-a-date", "days": "x"})
    assert response.status_code == 200 and 'id="calendar-result"' not in response.content.decode()
    assert client.get(PAGE).status_code == 200


def test_calculator_requires_login(client):
    assert client.get(PAGE).status_code == 302


# --- the holiday years page (admins) -------------------------------------------------------------------


def test_years_page_is_for_admins_only(client, butler, admin):
    client.force_login(butler)
    assert client.get(YEARS).status_code == 403
    assert client.post(YEARS, {"year": 2027, "source": "x", "notice": "2027-01-01 元旦"}).status_code == 403
    assert not HolidayYear.objects.exists()
    client.force_login(admin)
    response = client.get(YEARS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2027" in html and BADGE in html
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(YEARS).status_code == 200


def test_years_page_prefills_a_year_for_correction(client, admin):
    client.force_login(admin)
    html = client.get(YEARS, {"year": 2026}).content.decode()
    assert "2026-02-15..2026-02-23 春节" in html and "上班 2026-02-28 春节" in html
    assert client.get(YEARS, {"year": "abc"}).status_code == 200
    assert client.get(YEARS, {"year": 2099}).status_code == 200
    assert client.get(YEARS, {"year": 10**30}).status_code == 200


def test_admin_loads_a_year(client, admin, django_capture_on_commit_callbacks):
    client.force_login(admin)
    notice = "2027-01-01..2027-01-03 元旦\n2027-02-05..2027-02-13 春节\n上班 2027-02-14, 2027-02-20 春节\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(YEARS, {"year": 2027, "source": "测试用示例", "notice": notice}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "已载入2027年节假日安排" in html
    holiday_year = HolidayYear.objects.get(year=2027)
    assert holiday_year.loaded_by == admin and holiday_year.days.count() == 14
    api_html = client.get(PAGE, {"start": "2026-12-31", "days": 1}).content.decode()
    assert BADGE not in api_html


@pytest.mark.parametrize("notice, fragment", [
    ("2027-01-01..2027-01-03 元旦\n2027-02-30 春节\n", "第2行"),
    ("2027-01-01..2027-01-03 元旦\n上班 2027-01-04\n", "周六或周日"),
    ("2026-05-01 劳动节\n", "不在2027年内"),
    ("", "必填"),
])
def test_bad_notice_shows_the_errors_and_writes_nothing(client, admin, notice, fragment):
    client.force_login(admin)
    response = client.post(YEARS, {"year": 2027, "source": "测试", "notice": notice})
    assert response.status_code == 200
    assert fragment in response.content.decode()
    assert not HolidayYear.objects.exists() and not CalendarDay.objects.exists()


def test_loading_beyond_the_provisional_year_is_refused(client, admin):
    client.force_login(admin)
    response = client.post(YEARS, {"year": 2029, "source": "测试", "notice": "2029-01-01 元旦"})
    assert response.status_code == 200 and "请先载入2027年" in response.content.decode()
    assert not HolidayYear.objects.exists()


def test_api_query_budget_is_fixed(api, butler, django_assert_num_queries):
    api.force_authenticate(butler)
    for day in range(2, 20):
        CalendarDay.objects.create(date=f"2025-11-{day:02d}", kind=CalendarDay.Kind.HOLIDAY, name="测试调整")
    with django_assert_num_queries(2):  # the loaded years, the override rows
        assert api.get(API, {"start": "2025-11-01", "days": 3}).json()["due"] == "2025-11-24"
