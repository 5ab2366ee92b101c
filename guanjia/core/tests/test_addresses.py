"""Links built without `reverse()` on every call: the same addresses, under any script prefix."""

from django.urls import clear_script_prefix, reverse, set_script_prefix

from guanjia.core.addresses import address, fixed_prefix, object_address


def test_addresses_are_those_reverse_gives_under_each_script_prefix():
    try:
        for prefix in ("/", "/guanjia/"):
            set_script_prefix(prefix)
            assert address("requests:list") == reverse("requests:list")
            assert object_address("requests:detail")(42) == reverse("requests:detail", args=[42])
    finally:
        clear_script_prefix()


def test_a_batch_keeps_the_prefix_of_its_start_and_forgets_it_after():
    try:
        set_script_prefix("/guanjia/")
        with fixed_prefix():
            first = object_address("requests:detail")(7)
            set_script_prefix("/elsewhere/")  # a batch runs under one prefix: a change inside is not seen
            assert object_address("requests:detail")(8) == "/guanjia/requests/8/" and first == "/guanjia/requests/7/"
        assert object_address("requests:detail")(8) == "/elsewhere/requests/8/"
    finally:
        clear_script_prefix()
