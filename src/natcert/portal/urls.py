"""The portal's routes (mounted at the site root by ``natcert.urls``)."""

from django.urls import path
from django.views.i18n import set_language

from natcert.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("language/", set_language, name="set_language"),
    path("events/", views.event_list, name="event_list"),
    path("events/<int:event_id>/", views.event_detail, name="event_detail"),
    path("feeds/", views.feed_list, name="feed_list"),
    path("feeds/<path:feed>/quarantine/", views.quarantine, name="quarantine"),
]
