"""relationship pages."""

urlpatterns: list = []
