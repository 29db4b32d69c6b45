# Pages this app adds to the navigation, per role: {"coordinator": [("url-name", _("Label"))]}.
NAVIGATION: dict = {}


def home_context(user) -> dict:
    """What this app shows on the user's home page."""
    return {}
