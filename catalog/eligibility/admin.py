from .screening import admin as _screening_admin  # noqa: F401  (screening admin)
