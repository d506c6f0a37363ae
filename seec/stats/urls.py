from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tables/<slug:key>.<str:fmt>", views.download_table, name="table"),
    path("computed/", views.computed, name="computed"),
    path("computed/<int:pk>/", views.computed_set, name="computed-set"),
    path("computed/<int:pk>/publish/", views.publish_computed, name="publish-computed"),
    path("submissions/", views.submissions, name="submissions"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path(
        "submissions/<int:pk>/template.<str:fmt>",
        views.submission_template,
        name="submission-template",
    ),
    path("submissions/<int:pk>/upload/", views.upload, name="upload"),
    path("submissions/<int:pk>/submit/", views.submit, name="submit"),
    path("submissions/<int:pk>/validate/", views.validate, name="validate"),
    path("submissions/<int:pk>/publish/", views.publish, name="publish"),
    path("submissions/<int:pk>/return/", views.return_for_correction, name="return"),
    path("submissions/<int:pk>/comment/", views.comment, name="comment"),
    path("submissions/<int:pk>/new-version/", views.new_version, name="new-version"),
    # Open data: public, read-only, published figures only.
    path("open-data/", views.open_data, name="open-data"),
    path("open-data/figures.csv", views.open_data_csv, name="open-data-csv"),
    path("open-data/datapackage.json", views.open_data_description, name="open-data-description"),
]
