"""The API's shared serializer pieces: BuiltOnceModelSerializer (fields built once per class, copied per
instance, never shared once bound) and NameField (a related row as shown, or null)."""

from rest_framework import serializers

from guanjia.core.api import BuiltOnceModelSerializer
from guanjia.org.models import Workstation, Zone


class _WorkstationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Workstation
        fields = ["id", "name"]


class _ZoneSerializer(BuiltOnceModelSerializer):
    workstations = _WorkstationSerializer(many=True, read_only=True)
    code = serializers.CharField(source="name", read_only=True)
    workstation_ids = serializers.PrimaryKeyRelatedField(source="workstations", many=True, read_only=True)

    class Meta:
        model = Zone
        fields = ["id", "name", "code", "workstations", "workstation_ids"]


def test_each_instance_binds_its_own_copies():
    first, second = _ZoneSerializer(), _ZoneSerializer()
    for name in ("id", "name", "code", "workstations", "workstation_ids"):
        mine, theirs = first.fields[name], second.fields[name]
        assert mine is not theirs
        assert (mine.parent, theirs.parent) == (first, second)
    # Children are bound to their own parent, not to one shared across instances.
    assert first.fields["workstations"].child is not second.fields["workstations"].child
    assert first.fields["workstations"].child.parent is first.fields["workstations"]
    assert first.fields["workstation_ids"].child_relation.parent is first.fields["workstation_ids"]
    # The prototype itself is never bound, so a later instance starts clean.
    prototype = _ZoneSerializer._prototype_fields
    assert all(getattr(field, "parent", None) is None for field in prototype.values())
    assert prototype["code"].source == "name" and first.fields["code"].source_attrs == ["name"]


def test_copies_serialize_alike(world):
    first, second = _ZoneSerializer(world.zone).data, _ZoneSerializer(world.zone).data
    assert first == second and first["code"] == world.zone.name
    assert first["workstation_ids"] == [ws["id"] for ws in first["workstations"]] != []


def test_names_are_nullable_strings_in_the_schema(client, world):
    """A `*_name` of an optional relation says null in the schema as in the data; a required one does not."""
    client.force_login(world.admin)
    schemas = client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    optional = {"Enterprise": ["butler_name", "contact_leader_name"], "Project": ["butler_name", "contact_leader_name"],
                "Request": ["butler_name"], "Event": ["actor_name"], "ActionItem": ["owner_person_name", "done_by_name"]}
    for component, names in optional.items():
        for name in names:
            described = dict(schemas[component]["properties"][name])
            described.pop("description", None)  # what a name stands for may be said (Event.actor_name is)
            assert described == {"type": "string", "readOnly": True, "nullable": True}, (component, name)
    assert schemas["Meeting"]["properties"]["convener_name"] == {"type": "string", "readOnly": True}
    assert schemas["Named"]["properties"]["name"] == {"type": "string", "readOnly": True}


def _serializer_classes():
    import guanjia.api_urls  # noqa: F401 (every API view, and so every serializer, is imported)

    seen, stack = [], [serializers.Serializer]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            ours = sub.__module__.startswith("guanjia.") and ".tests." not in sub.__module__
            base = issubclass(sub, serializers.ModelSerializer) and not hasattr(sub, "Meta")
            if ours and not base and sub not in seen:
                seen.append(sub)
    return seen


def _writable_relations(serializer, prefix=""):
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if isinstance(field, serializers.ManyRelatedField):
            field = field.child_relation
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        if isinstance(field, serializers.RelatedField):
            yield prefix + name, field
        elif isinstance(field, serializers.BaseSerializer):
            yield from _writable_relations(field, f"{prefix}{name}.")


def test_every_writable_relation_goes_through_visible_to():
    """An id in a body is looked up in what the caller may see, and a fraction is no id (VisibleRelatedField)."""
    from guanjia.core.api import VisibleRelatedField
    from guanjia.enterprises.models import Tag

    shared_catalogues = {Tag}  # named, not numbered, and the same for every zone
    classes = _serializer_classes()
    assert len(classes) > 20, [c.__name__ for c in classes]
    offenders = [
        f"{cls.__module__}.{cls.__name__}.{name}: {type(field).__name__}"
        for cls in classes for name, field in _writable_relations(cls())
        if not isinstance(field, VisibleRelatedField) and field.queryset.model not in shared_catalogues
    ]
    assert offenders == []


def _may_be_missing(model, source: str) -> tuple[bool, bool]:
    """Whether a serializer field's `source` on `model` can read null (an optional relation on the way, or a
    nullable column) and whether it ends on a choice column that may be blank."""
    nullable = False
    for i, part in enumerate(source.split(".")):
        try:
            field = model._meta.get_field(part)
        except Exception:  # a property or method: its type hint is the schema's business
            return False, False
        if i == len(source.split(".")) - 1 or not field.is_relation:
            blank_choice = bool(field.choices) and field.blank
            return nullable or field.null, blank_choice
        nullable = nullable or field.null
        model = field.related_model
    return nullable, False


def test_every_field_that_may_be_null_or_blank_says_so():
    """A response shows null where a relation is missing and "" where a choice is unset: the schema must
    allow them (`allow_null`, `allow_blank`), or a strict client rejects the answer."""
    offenders = []
    for cls in _serializer_classes():
        model = getattr(getattr(cls, "Meta", None), "model", None)
        if model is None:
            continue
        for name, field in cls().fields.items():
            if isinstance(field, (serializers.SerializerMethodField, serializers.BaseSerializer,
                                  serializers.ManyRelatedField)) or field.source == "*":
                continue
            nullable, blank_choice = _may_be_missing(model, field.source)
            if nullable and not field.allow_null:
                offenders.append(f"{cls.__name__}.{name}: null")
            if blank_choice and not getattr(field, "allow_blank", False):
                offenders.append(f"{cls.__name__}.{name}: blank")
    assert offenders == []


def test_fields_built_in_one_language_answer_in_the_callers():
    """The prototype is built once, in whichever language its first caller had: its labels, help and error
    messages stay lazy, so each caller reads them in their own."""
    from django.utils import translation

    from guanjia.projects.api.serializers import ProjectSerializer

    def read(language):
        with translation.override(language):
            serializer = ProjectSerializer(data={"name": "", "project_type": "nonsense"})
            serializer.is_valid()
            fields = serializer.fields
            return (str(fields["name"].label), str(fields["total_investment"].help_text),
                    str(serializer.errors["name"][0]), str(serializer.errors["project_type"][0]))

    def rebuilt():
        if "_prototype_fields" in ProjectSerializer.__dict__:
            del ProjectSerializer._prototype_fields

    for first, then in (("en", "zh-hans"), ("zh-hans", "en")):
        rebuilt()
        fresh = read(then)  # a prototype built in `then`
        rebuilt()
        read(first)
        assert "_prototype_fields" in ProjectSerializer.__dict__
        assert read(then) == fresh
    rebuilt()
    english, chinese = read("en"), read("zh-hans")
    assert english[0] == "Project name" and chinese[0] == "项目名称" and english[2:] != chinese[2:], (english, chinese)


def test_the_column_getters_read_what_drfs_walk_reads(world, rf):
    """BuiltOnceModelSerializer reads a plain column (of the row or of a row it names) with one getter; every
    other field, and whatever the getter cannot read (a project without a butler), DRF's way. Both give the
    same answer."""
    from guanjia.core.api import _column_getter, _id_getter
    from guanjia.enterprises.api.serializers import EnterpriseSerializer
    from guanjia.projects.api.serializers import ProjectSerializer
    from guanjia.projects.models import Project
    from guanjia.requests import services
    from guanjia.requests.api.serializers import RequestSerializer
    from guanjia.requests.models import Request
    from guanjia.tests_support.factories import ProjectFactory

    bare = ProjectFactory(enterprise=world.ent1, name="无管家项目")  # no butler, no contact leader
    services.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="factors",
                           title="用电增容", description="。")
    request = rf.get("/")
    request.user = world.admin
    rows = [(ProjectSerializer, list(Project.objects.select_related("enterprise", "butler", "contact_leader"))),
            (EnterpriseSerializer, [world.ent1, world.ent2]),
            (RequestSerializer, list(Request.objects.select_related("enterprise", "butler", "lead_unit")))]
    for serializer_class, instances in rows:
        assert len(instances) >= 1
        serializer = serializer_class(context={"request": request})
        for instance in instances:
            assert serializer.to_representation(instance) == serializers.ModelSerializer.to_representation(
                serializer, instance), (serializer_class.__name__, instance.pk)
    assert bare.butler is None
    fields = ProjectSerializer().fields
    assert _column_getter(fields["name"], Project) is not None
    assert _column_getter(fields["enterprise_name"], Project) is not None  # enterprise.name
    assert _column_getter(fields["butler_name"], Project) is None  # NameField: the row as shown
    assert _column_getter(fields["enterprise"], Project) is None  # a related field: its id, below
    assert _id_getter(fields["enterprise"], Project) is not None and _id_getter(fields["name"], Project) is None
    assert _id_getter(fields["contact_leader"], Project)(bare) is None
    assert _column_getter(fields["is_key"], Project) is None  # a property
    status_display = RequestSerializer().fields["status_display"]
    assert _column_getter(status_display, Request) is None  # a method
    # Validated data (a dict, its relations as rows) is shown DRF's way: what `.data` reads before a save.
    validated = ProjectSerializer(data={"name": "秦川二期", "enterprise": world.ent1.pk, "total_investment": "100"},
                                  context={"request": request})
    assert validated.is_valid(), validated.errors
    assert validated.data["enterprise"] == world.ent1.pk and validated.data["name"] == "秦川二期"
