"""The working-day clock: official facts from the State Council notices, the provisional year, loading a notice."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from guanjia.core.calendar import (
    CalendarUnavailable,
    WorkingCalendar,
    add_hours,
    add_working_days,
    calendar_load_year,
    closing_on_or_before,
    deadline_at,
    is_working_day,
    notice_text_for_year,
    parse_notice,
    working_days_between,
)
from guanjia.core.models import CalendarDay, HolidayYear
from guanjia.core.signals import calendar_year_loaded

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")

# NOT the official 2027 notice (unpublished when this was written): a made-up notice shaped like one,
# with lunar new year on 2027-02-06, to exercise loading a year.
SAMPLE_2027 = """\
# 2027年节假日安排（测试用示例，非官方）
2027-01-01..2027-01-03 元旦
2027-02-05..2027-02-13 春节
上班 2027-02-14, 2027-02-20 春节
2027-10-01..2027-10-07 国庆节
上班 2027-09-26 国庆节
"""


def load_2027(actor=None, text=SAMPLE_2027):
    notice = parse_notice(text)
    return calendar_load_year(actor=actor, year=2027, holidays=notice.holidays, workdays=notice.workdays,
                              source="测试用示例")


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- official facts (国办发明电〔2024〕12号 for 2025, 国办发明电〔2025〕7号 for 2026) ------------------------


def test_national_day_2025():
    cal = WorkingCalendar.load()
    assert cal.is_working_day(d("2025-09-28"))  # Sunday, make-up workday
    assert cal.is_working_day(d("2025-10-11"))  # Saturday, make-up workday
    for day in range(1, 9):
        assert not cal.is_working_day(date(2025, 10, day))
    assert cal.day(d("2025-10-01")).name == "国庆节"


def test_spring_festival_2026():
    cal = WorkingCalendar.load()
    assert cal.is_working_day(d("2026-02-14"))  # Saturday
    assert cal.is_working_day(d("2026-02-28"))  # Saturday
    for day in range(15, 24):
        assert not cal.is_working_day(date(2026, 2, day))
    assert cal.day(d("2026-02-17")).name == "春节"


def test_counting_starts_the_next_day():
    # Friday + 1 working day: Saturday is off, Sunday 9-28 is a make-up workday.
    assert add_working_days(d("2025-09-26"), 1).due == d("2025-09-28")
    assert add_working_days(d("2025-09-26"), 1).provisional is False
    # The whole National Day week is skipped.
    assert add_working_days(d("2025-09-30"), 1).due == d("2025-10-09")
    # A rule that counts the start day itself.
    assert add_working_days(d("2025-09-26"), 1, count_start_day=True).due == d("2025-09-26")
    assert add_working_days(d("2025-09-26"), 0).due == d("2025-09-26")
    with pytest.raises(ValueError):
        add_working_days(d("2025-09-26"), -1)


def test_deadline_is_the_close_of_the_last_working_day():
    result = deadline_at(d("2025-09-26"), 1)
    assert result.due == datetime(2025, 9, 28, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert deadline_at(d("2025-09-26"), 1, closing=time(17, 30)).due == datetime(2025, 9, 28, 17, 30,
                                                                              tzinfo=SHANGHAI)
    # A request received late in the evening (UTC) counts from its local date.
    received = datetime(2025, 9, 26, 15, 30, tzinfo=ZoneInfo("UTC"))  # 23:30 in Shanghai, still Friday
    assert add_working_days(received, 1).due == d("2025-09-28")


def test_hour_clocks_run_on_wall_clock_hours():
    start = datetime(2025, 9, 30, 18, 0, tzinfo=SHANGHAI)
    assert add_hours(start, 24).due == datetime(2025, 10, 1, 18, 0, tzinfo=SHANGHAI)
    assert add_hours(start, 24).provisional is False
    # A rule may let hours run on working days only: 6 h on 9-30, then 18 h on 10-09.
    assert add_hours(start, 24, working_days_only=True).due == datetime(2025, 10, 9, 18, 0, tzinfo=SHANGHAI)


def test_working_days_between_is_the_inverse_of_adding():
    assert working_days_between(d("2025-09-26"), d("2025-10-11")) == 6
    assert working_days_between(d("2025-10-11"), d("2025-09-26")) == -6
    assert working_days_between(d("2025-10-01"), d("2025-10-08")) == 0
    cal = WorkingCalendar.load()
    for n in (1, 5, 20, 60):
        start = d("2026-01-30")
        assert cal.working_days_between(start, cal.add_working_days(start, n).due) == n


# --- the provisional year --------------------------------------------------------------------------


def test_december_2026_runs_into_provisional_2027():
    result = add_working_days(d("2026-12-31"), 1)
    # 2027-01-01 (元旦, Friday) and the weekend are skipped.
    assert result.due == d("2027-01-04") and result.due.weekday() == 0
    assert result.provisional is True
    stays_in_2026 = add_working_days(d("2026-12-28"), 3)
    assert stays_in_2026 == type(stays_in_2026)(d("2026-12-31"), False)


def test_provisional_calendar_has_fixed_date_holidays_only():
    cal = WorkingCalendar.load()
    assert cal.provisional_year == 2027 and cal.is_provisional_year(2027)
    assert not cal.is_working_day(d("2027-01-01"))
    assert not cal.is_working_day(d("2027-10-01"))
    assert cal.is_working_day(d("2027-10-04"))  # Monday: no 调休 is invented
    # Lunar new year 2027 is unknown without the notice: it is not guessed.
    assert cal.is_working_day(d("2027-02-08"))
    assert cal.day(d("2027-02-08")).provisional


def test_later_years_are_refused():
    with pytest.raises(CalendarUnavailable) as error:
        add_working_days(d("2099-03-02"), 5)
    assert "2099年" in error.value.message and isinstance(error.value, ValueError)
    with pytest.raises(CalendarUnavailable):
        add_working_days(d("2027-12-31"), 1)  # runs into 2028
    with pytest.raises(CalendarUnavailable) as error:
        is_working_day(d("2003-05-01"))
    assert "2004" in error.value.message
    with pytest.raises(CalendarUnavailable) as error:  # a date typed far ahead is refused by its own year
        working_days_between(d("2026-11-25"), d("2099-01-01"))
    assert error.value.year == 2099 and "2099年" in error.value.message


def test_a_date_chosen_as_a_deadline_closes_on_its_last_working_day():
    closing = time(23, 59, 59, 999999)
    due = closing_on_or_before(d("2025-10-05"), earliest=d("2025-09-20"))  # 国庆 2025: 10-01..08 off
    assert due.due == datetime.combine(d("2025-09-30"), closing, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert not due.provisional
    assert closing_on_or_before(d("2025-10-11"), earliest=d("2025-10-09")).due.date() == d("2025-10-11")  # 调休上班
    assert closing_on_or_before(d("2025-10-05"), earliest=d("2025-10-03")).due.date() == d("2025-10-03")  # not before
    assert closing_on_or_before(d("2027-01-03"), earliest=d("2026-12-28")).provisional


def test_override_table_is_checked_first():
    start = d("2025-11-07")  # Friday
    assert add_working_days(start, 1).due == d("2025-11-10")
    CalendarDay.objects.create(date=d("2025-11-10"), kind=CalendarDay.Kind.HOLIDAY, name="测试调整")
    assert add_working_days(start, 1).due == d("2025-11-11")
    CalendarDay.objects.create(date=d("2025-10-08"), kind=CalendarDay.Kind.WORKDAY, name="测试调整")
    assert is_working_day(d("2025-10-08"))


def test_a_snapshot_reads_the_tables_once(django_assert_num_queries):
    with django_assert_num_queries(2):
        cal = WorkingCalendar.load()
    with django_assert_num_queries(0):
        cal.working_days_between(d("2004-01-01"), d("2027-12-31"))


# --- loading a year's notice ---------------------------------------------------------------------


def test_loading_2027_makes_it_official_and_signals_once_after_commit(django_capture_on_commit_callbacks):
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    calendar_year_loaded.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            holiday_year = load_2027()
            assert calls == []  # not before commit
    finally:
        calendar_year_loaded.disconnect(receiver)
    assert len(calls) == 1
    assert calls[0]["year"] == 2027 and calls[0]["was_provisional"] is True
    assert calls[0]["holiday_year"] == holiday_year

    result = add_working_days(d("2026-12-31"), 1)
    assert result.due == d("2027-01-04") and result.provisional is False
    assert is_working_day(d("2027-02-14")) and not is_working_day(d("2027-02-08"))
    assert holiday_year.days.filter(kind=CalendarDay.Kind.HOLIDAY).count() == 3 + 9 + 7
    assert holiday_year.days.filter(kind=CalendarDay.Kind.WORKDAY).count() == 3

    # 2028 is now the provisional year, 2029 is refused.
    cal = WorkingCalendar.load()
    assert cal.provisional_year == 2028
    result = cal.add_working_days(d("2027-12-31"), 1)
    assert result.due == d("2028-01-03") and result.provisional is True
    with pytest.raises(CalendarUnavailable):
        cal.is_working_day(d("2029-01-02"))


def test_a_failing_receiver_does_not_undo_the_load(django_capture_on_commit_callbacks, monkeypatch):
    from guanjia.core.calendar import services

    logged = []
    monkeypatch.setattr(services.logger, "error", lambda *args, **kwargs: logged.append(args))

    def broken(sender, **kwargs):
        raise RuntimeError("recompute failed")

    calendar_year_loaded.connect(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            load_2027()
    finally:
        calendar_year_loaded.disconnect(broken)
    assert HolidayYear.objects.filter(year=2027).exists()
    assert len(logged) == 1 and logged[0][2] == 2027


def test_reloading_a_year_replaces_its_rows(django_capture_on_commit_callbacks, world):
    load_2027()
    CalendarDay.objects.create(date=d("2027-06-01"), kind=CalendarDay.Kind.HOLIDAY, name="单独调整")
    calls = []
    calendar_year_loaded.connect(receiver := lambda sender, **kw: calls.append(kw))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            load_2027(actor=world.admin, text="2027-01-01 元旦\n")
    finally:
        calendar_year_loaded.disconnect(receiver)
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [d("2027-01-01")]
    assert HolidayYear.objects.get().loaded_by == world.admin
    assert calls[0]["was_provisional"] is False and calls[0]["actor"] == world.admin
    assert is_working_day(d("2027-10-04"))


def test_a_loaded_library_year_is_read_from_the_table():
    before = WorkingCalendar.load()
    text = notice_text_for_year(2026, calendar=before)
    assert "2026-02-15..2026-02-23 春节" in text and "上班 2026-02-14 春节" in text
    notice = parse_notice(text)
    calendar_load_year(actor=None, year=2026, holidays=notice.holidays, workdays=notice.workdays,
                       source="国办发明电〔2025〕7号")
    after = WorkingCalendar.load()
    assert 2026 in after.loaded_years
    day = date(2026, 1, 1)
    while day.year == 2026:
        assert after.is_working_day(day) == before.is_working_day(day), day
        day = date.fromordinal(day.toordinal() + 1)


@pytest.mark.parametrize(
    ("holidays", "workdays", "field", "fragment"),
    [
        ([((d("2027-01-01"), d("2027-01-03")), "元旦")], [d("2027-01-04")], "workdays", "周六或周日"),
        ([(d("2028-01-01"), "元旦")], [], "holidays", "不在2027年内"),
        ([((d("2027-01-01"), d("2027-01-03")), "元旦"), (d("2027-01-02"), "元旦")], [], "holidays", "重复"),
        ([((d("2027-01-01"), d("2027-03-01")), "元旦")], [], "holidays", "15天"),
        ([(d("2027-01-01"), "")], [], "holidays", "名称"),
        ([], [d("2027-02-14")], "holidays", "至少"),
    ],
)
def test_bad_notice_is_refused_and_nothing_written(holidays, workdays, field, fragment):
    with pytest.raises(ValidationError) as error:
        calendar_load_year(actor=None, year=2027, holidays=holidays, workdays=workdays, source="x")
    assert any(fragment in m for m in error.value.message_dict[field])
    assert not HolidayYear.objects.exists() and not CalendarDay.objects.exists()


def test_only_up_to_the_provisional_year_can_be_loaded():
    with pytest.raises(ValidationError) as error:
        calendar_load_year(actor=None, year=2028, holidays=[(d("2028-01-01"), "元旦")], workdays=[], source="x")
    assert "请先载入2027年" in error.value.message_dict["year"][0]
    with pytest.raises(ValidationError) as error:
        calendar_load_year(actor=None, year=2027, holidays=[(d("2027-01-01"), "元旦")], workdays=[], source=" ")
    assert "source" in error.value.message_dict
    assert not HolidayYear.objects.exists()


def test_a_notice_may_start_in_the_december_before():
    # 元旦 of 2023 ran from 2022-12-31 (国办发明电〔2022〕16号).
    calendar_load_year(actor=None, year=2023, holidays=[((d("2022-12-31"), d("2023-01-02")), "元旦")],
                       workdays=[], source="国办发明电〔2022〕16号")
    assert CalendarDay.objects.get(date=d("2022-12-31")).holiday_year.year == 2023
    assert notice_text_for_year(2023) == "2022-12-31..2023-01-02 元旦\n"


# --- the notice text --------------------------------------------------------------------------------


def test_parse_notice_formats():
    notice = parse_notice("# 注释\n\n2027-01-01..2027-01-03 元旦\n2027-5-1~2027-5-5：劳动节\n"
                          "2027-06-09, 2027-06-10 端午\n调休上班：2027-02-14、2027-02-20 春节\n上班 2027-09-26\n")
    assert notice.holidays == [
        ((d("2027-01-01"), d("2027-01-03")), "元旦"),
        ((d("2027-05-01"), d("2027-05-05")), "劳动节"),
        ((d("2027-06-09"), d("2027-06-09")), "端午"),
        ((d("2027-06-10"), d("2027-06-10")), "端午"),
    ]
    assert notice.workdays == [(d("2027-02-14"), "春节"), (d("2027-02-20"), "春节"), (d("2027-09-26"), "")]


def test_parse_notice_reports_every_bad_line():
    with pytest.raises(ValidationError) as error:
        parse_notice("2027-01-01..2027-01-03 元旦\n2027-02-30 春节\n元旦 2027-01-01\n2027-02-14 上班\n"
                     "2027-03-01\n2027-10-07..2027-10-01 国庆节\n")
    messages = error.value.messages
    assert [m[:3] for m in messages] == ["第2行", "第3行", "第4行", "第5行", "第6行"]
    assert "不是有效的日期" in messages[0] and "上班" in messages[2] and "节日名称" in messages[3]


# --- the command ------------------------------------------------------------------------------------


def test_load_holidays_command_from_a_file(tmp_path, capsys):
    notice = tmp_path / "notice.txt"
    notice.write_text(SAMPLE_2027, encoding="utf-8")
    call_command("load_holidays", "--year", "2027", "--file", str(notice), "--source", "测试用示例")
    assert HolidayYear.objects.get(year=2027).source == "测试用示例"
    assert CalendarDay.objects.filter(holiday_year__year=2027).count() == 22
    assert "已载入2027年" in capsys.readouterr().out


def test_load_holidays_command_from_options():
    call_command("load_holidays", "--year", "2027", "--holidays", "2027-01-01..2027-01-03:元旦",
                 "--holidays", "2027-02-05..2027-02-13:春节", "--workdays", "2027-02-14,2027-02-20")
    assert not is_working_day(d("2027-02-08")) and is_working_day(d("2027-02-20"))
    assert HolidayYear.objects.get().source == "load_holidays"


@pytest.mark.parametrize("args", [
    ["--holidays", "2027-13-01:元旦"],
    ["--holidays", "2027-01-01..2027-01-03:元旦", "--workdays", "2027-01-04"],  # a Monday
    ["--file", "/nonexistent/notice.txt"],
    [],
])
def test_load_holidays_command_refuses_bad_input(args):
    with pytest.raises(CommandError):
        call_command("load_holidays", "--year", "2027", *args)
    assert not HolidayYear.objects.exists() and not CalendarDay.objects.exists()


def test_load_holidays_dry_run_writes_nothing(capsys):
    call_command("load_holidays", "--year", "2027", "--holidays", "2027-01-01..2027-01-03:元旦", "--dry-run")
    assert "试运行" in capsys.readouterr().out
    assert not HolidayYear.objects.exists()
