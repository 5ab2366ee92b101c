"""Small things staff noticed (issue 14): a pasted credit code, the handover's confirmation, the language menu."""

from django.urls import reverse

from guanjia.enterprises.models import Enterprise
from guanjia.tests_support.factories import make_uscc


def test_a_pasted_code_with_spaces_and_full_width_characters_is_folded(client, world):
    code = make_uscc(4242)
    pasted = " ".join(code[i:i + 4] for i in range(0, 18, 4)).translate(
        {ord(c): ord(c) + 0xFEE0 for c in "0123456789"})  # full-width digits, as an IME types them
    client.force_login(world.admin)
    form = client.get(reverse("enterprises:create")).content.decode()
    assert 'maxlength="18"' not in form.split('name="uscc"')[1].split(">")[0]
    answer = client.post(reverse("enterprises:create"), {
        "name": "咸阳新材料有限公司", "uscc": pasted, "scale": "below", "workstation": world.ws1.pk})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert Enterprise.objects.get(name="咸阳新材料有限公司").uscc == code


def test_a_handover_says_it_was_done(client, world):
    client.force_login(world.admin)
    answer = client.post(reverse("enterprises:assign-butler", args=[world.ent1.pk]),
                         {"person": world.butler2.pk, "reason": "工作站调整"}, follow=True)
    assert f"已更换管家为 {world.butler2}" in answer.content.decode()


def test_the_language_menu_names_each_language_in_itself(client, world):
    client.force_login(world.butler1)
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        world.butler1.language = language
        world.butler1.save(update_fields=["language"])
        page = client.get(reverse("home")).content.decode()
        assert 'lang="en" class="btn btn-outline-secondary' in page.replace(' active', '')
        assert ">English</button>" in page and ">简体中文</button>" in page
