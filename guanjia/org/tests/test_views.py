"""Login (with lock-out), the home page per role, the organization pages, and the deploy checklist."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from guanjia.tests_support.factories import PASSWORD


def test_login_and_home_per_role(client, world):
    response = client.post(reverse("login"), {"username": "butler1", "password": PASSWORD})
    assert response.status_code == 302
    home = client.get(reverse("home")).content.decode()
    assert "我的工作台" in home and "我服务的企业" in home and world.ent1.name in home
    client.force_login(world.ent1_user)
    home = client.get(reverse("home")).content.decode()
    assert "本企业" in home and world.ent1.name in home and world.ent2.name not in home
    assert "我要吹哨" in home
    client.force_login(world.leader)
    home = client.get(reverse("home")).content.decode()
    assert "各工作站" in home and world.ws1.name in home
    client.force_login(world.unit_user1)
    assert "供电公司" in client.get(reverse("home")).content.decode()


def test_the_menu_marks_the_section_of_the_page(client, world):
    import re

    client.post(reverse("login"), {"username": "butler1", "password": PASSWORD})  # a real sign-in, our backend
    for url, label in ((reverse("workflow:worklist"), "我的待办"), (reverse("enterprises:list"), "企业"),
                       (reverse("home"), "我的工作台")):
        page = client.get(url).content.decode()
        active = re.findall(r'class="nav-link text-nowrap active" href="([^"]+)"><i class="bi bi-[\w-]+"></i> (\S+)</a>',
                            page)
        assert active == [(url, label)], (url, active)
        assert world.zone.name in page  # the header names the zone, read with the person


def test_every_page_names_our_icon_and_favicon_ico_leads_to_it(client, world):
    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    icon = static("guanjia/favicon.svg")
    assert finders.find("guanjia/favicon.svg")
    assert f'<link rel="icon" href="{icon}"' in client.get(reverse("login")).content.decode()
    client.force_login(world.butler1)
    assert f'<link rel="icon" href="{icon}"' in client.get(reverse("home")).content.decode()
    assert f'<link rel="icon" href="{icon}"' in client.get("/api/redoc/").content.decode()
    answer = client.get("/favicon.ico")
    assert (answer.status_code, answer["Location"]) == (301, icon)


def test_login_locks_after_repeated_failures(client, world):
    for _n in range(5):
        response = client.post(reverse("login"), {"username": "admin", "password": "nope"})
        assert "用户名或密码不正确" in response.content.decode()
    response = client.post(reverse("login"), {"username": "admin", "password": PASSWORD})
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(("who", "queries"), [("butler1", 10), ("admin", 8)])
def test_home_query_count_is_fixed(client, world, django_assert_num_queries, who, queries):
    """The worklist's first rows and its total are one query, however many requests wait."""
    from guanjia.requests import services

    user = {"butler1": world.butler1, "admin": world.admin}[who]
    for n in range(10):  # waiting for butler1 (theirs) and for the center (no butler: a foreign one's)
        services.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="factors",
                               title=f"第{n}件", description="说明")
    client.force_login(user)
    # session, person, roles, enterprise and project counts, the worklist's counts per kind (its total)
    # and, when it holds anything, its first rows, the bell; a butler's own enterprises and projects, or
    # the center's workstations
    with django_assert_num_queries(queries):
        response = client.get(reverse("home"))
    assert (response.context["worklist_count"], len(response.context["worklist"])) == (
        (10, 8) if who == "butler1" else (0, 0))


def test_org_pages(client, world):
    client.force_login(world.admin)
    assert "供电公司" in client.get(reverse("org:units")).content.decode()
    assert "第一工作站" in client.get(reverse("org:workstations")).content.decode()
    assert "butler1" in client.get(reverse("org:people"), {"role": "butler"}).content.decode()


def test_english_is_available(client, world):
    client.force_login(world.admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert client.get(reverse("home")).headers["Content-Language"] == "en"


def test_deploy_checklist_is_clean_in_production(monkeypatch):
    monkeypatch.setenv("GUANJIA_SECRET_KEY", "k3#Vq9-zL2@pW7!rT5^mX8&nB4*cY6%hJ1$dF0+gS3=aE7~uQ2")
    import importlib

    import guanjia.settings.production as production

    importlib.reload(production)
    # The test database stays as it is; everything else is production's.
    overrides = {name: getattr(production, name) for name in dir(production) if name.isupper() and name != "DATABASES"}
    from django.test import override_settings

    with override_settings(**overrides):
        try:
            call_command("check", "--deploy", "--fail-level", "WARNING")
        except SystemExit as exit_:  # pragma: no cover - the message says what failed
            pytest.fail(f"check --deploy failed: {exit_}")


def test_the_menu_follows_the_roles_and_the_language(client, world):
    client.force_login(world.butler1)
    page = client.get(reverse("home")).content.decode()
    assert "我的待办" in page and "时限规则" not in page  # an admin's entry
    client.force_login(world.admin)
    page = client.get(reverse("home")).content.decode()
    assert "时限规则" in page and 'class="dropdown-item" href="/requests/rules/"' in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert "</i> My to-dos</a>" in page and "我的待办" not in page and "时限规则" not in page


def test_workstations_count_their_enterprises_and_projects_each_in_a_subquery(client, world):
    """Counted through joins of both, every workstation's enterprises were multiplied by its projects before
    being counted: minutes for the center's home page at 100 000 enterprises. Each count is a subquery now."""
    from django.utils import timezone

    from guanjia.enterprises.models import Enterprise
    from guanjia.projects.models import Project
    from guanjia.tests_support.factories import EnterpriseFactory, ProjectFactory

    for _n in range(3):
        ProjectFactory(enterprise=EnterpriseFactory(zone=world.zone, workstation=world.ws1), workstation=world.ws1)
    gone = EnterpriseFactory(zone=world.zone, workstation=world.ws1)
    Enterprise.objects.filter(pk=gone.pk).update(archived_at=timezone.now())
    current = Enterprise.objects.filter(workstation=world.ws1, archived_at__isnull=True).count()
    projects = Project.objects.filter(workstation=world.ws1, archived_at__isnull=True).count()
    assert projects >= 3
    client.force_login(world.admin)
    page = client.get("/")
    row = next(w for w in page.context["by_workstation"] if w.pk == world.ws1.pk)
    assert (row.enterprise_count, row.project_count) == (current, projects)
    listed = client.get("/org/workstations/").context["object_list"]
    assert next(w for w in listed if w.pk == world.ws1.pk).enterprise_count == current + 1  # archived ones too
    from guanjia.org.models import Workstation
    from guanjia.org.selectors import workstation_count

    counted = str(Workstation.objects.annotate(enterprise_count=workstation_count(Enterprise),
                                               project_count=workstation_count(Project)).query)
    assert 'JOIN "enterprises_enterprise"' not in counted and 'JOIN "projects_project"' not in counted


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index-only scans")
@pytest.mark.django_db(transaction=True)
def test_the_workstations_counts_read_their_index_alone(world):
    """`COUNT(*)`, not `COUNT(id)`: the id is not in the (workstation, archived_at) index, so each workstation's
    count read every row from the table (130 ms for the center's home page at 100 000 enterprises, 22 ms
    by index alone once the table is vacuumed)."""
    from guanjia.core.bulk import refresh_statistics
    from guanjia.enterprises.models import Enterprise
    from guanjia.org.models import Workstation
    from guanjia.org.selectors import workstation_count

    Enterprise.objects.bulk_create(Enterprise(zone=world.zone, workstation=world.ws1 if n % 2 else world.ws2,
                                              name=f"秦川第{n}机械有限公司", uscc=f"Q{n:017d}") for n in range(3000))
    refresh_statistics(models=(Enterprise,), vacuum=True)
    from guanjia.tests_support.planner import plan

    steps = plan(Workstation.objects.annotate(n=workstation_count(Enterprise)))
    assert "Index Only Scan" in steps and "enterprises_enterprise" in steps, steps
