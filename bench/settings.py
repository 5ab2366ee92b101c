"""Benchmark settings: the product's own, plus the floor views in bench/urls.py."""

from guanjia.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
LOGGING["loggers"]["guanjia"]["level"] = "WARNING"  # noqa: F405  (the reminder job logs each run at INFO)
