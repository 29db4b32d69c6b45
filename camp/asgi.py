from qiaocamp.asgi import application  # noqa: F401  Deprecated: serve qiaocamp.asgi:application (kept one release).
