from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.open_case, name="open"),
    path("duplicates/", views.duplicate_check, name="duplicates"),
    path("search/", views.search, name="search"),
    path("contact/", views.quick_contact, name="contact"),
    path("tasks/", views.my_tasks, name="my-tasks"),
    path("tasks/<int:pk>/done/", views.complete_task, name="task-done"),
    path("board/", views.supervisor_board, name="board"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.edit_case, name="edit"),
    path("<int:pk>/risk/", views.assess_risk, name="assess-risk"),
    path("<int:pk>/sighting/", views.record_sighting, name="sighting"),
    path("<int:pk>/found/", views.mark_found, name="found"),
    path("<int:pk>/close/", views.close_case, name="close"),
    path("<int:pk>/reopen/", views.reopen_case, name="reopen"),
    path("<int:pk>/note/", views.add_note, name="note"),
    path("<int:pk>/task/", views.add_task, name="task"),
    path("<int:pk>/person/", views.add_person, name="person"),
    path("<int:pk>/assign/", views.assign_case, name="assign"),
    path("<int:pk>/share/", views.share_case, name="share"),
    path("<int:pk>/files/", views.add_file, name="file-add"),
    path("files/<int:pk>/", views.file_content, name="file"),
]
