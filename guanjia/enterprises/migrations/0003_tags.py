from django.db import migrations

TAGS = [
    ("hnte", "高新技术企业"),
    ("srdi", "专精特新"),
    ("little-giant", "专精特新“小巨人”"),
    ("tech-sme", "科技型中小企业"),
    ("gazelle", "瞪羚企业"),
    ("unicorn", "独角兽企业"),
    ("listed", "上市企业"),
    ("foreign", "外资企业"),
    ("champion", "制造业单项冠军"),
]


def add_tags(apps, schema_editor):
    Tag = apps.get_model("enterprises", "Tag")
    for code, name in TAGS:
        Tag.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0002_initial")]
    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
