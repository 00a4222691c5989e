"""setup pages."""

urlpatterns: list = []
