"""The programmes JSON API."""

urlpatterns: list = []
