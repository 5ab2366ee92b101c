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
            assert schemas[component]["properties"][name] == {"type": "string", "readOnly": True, "nullable": True}, (
                component, name)
    assert schemas["Meeting"]["properties"]["convener_name"] == {"type": "string", "readOnly": True}
    assert schemas["Named"]["properties"]["name"] == {"type": "string", "readOnly": True}
