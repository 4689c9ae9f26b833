"""A second factor for staff on /admin/ (django-otp): TOTP authenticator apps and single-use recovery codes.

``admin_site`` gates every admin view; ``views`` are the enrolment, verification and recovery-code pages;
``services`` write (and audit) devices; ``selectors`` read them.
"""
