from django.apps import AppConfig


class HomeConfig(AppConfig):
    """Each role's home page (where sign-in lands) and the menu: composed from the selectors
    and gatekeepers of the apps that own each item. The top layer: it may import every app."""

    name = "continuum.home"
    label = "home"
    verbose_name = "Home"
