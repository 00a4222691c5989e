"""intake pages."""

urlpatterns: list = []
