"""The mentee's picture: the page and its SVG and PNG downloads."""

from django.urls import path

from allied.picture import views

app_name = "picture"

urlpatterns = [
    path("relationships/<int:pk>/picture/", views.picture_page, name="page"),
    path("relationships/<int:pk>/picture.svg", views.picture_svg, name="svg"),
    path("relationships/<int:pk>/picture.png", views.picture_png, name="png"),
]
