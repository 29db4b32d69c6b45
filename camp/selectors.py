def home_context(user) -> dict:
    """What this app shows on the user's home page."""
    return {}
