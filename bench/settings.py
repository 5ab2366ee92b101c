"""Benchmark settings: the product's own, plus the floor views in bench/urls.py."""

from guanjia.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
