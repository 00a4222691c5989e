"""The mentee's picture: the page and its SVG and PNG downloads."""

from django.urls import path

from allied.programmes.views import picture as views

urlpatterns = [
    path("relationships/<int:pk>/picture/", views.picture_page, name="picture"),
    path("relationships/<int:pk>/picture.svg", views.picture_svg, name="picture_svg"),
    path("relationships/<int:pk>/picture.png", views.picture_png, name="picture_png"),
]
