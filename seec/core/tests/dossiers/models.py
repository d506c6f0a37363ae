from django.db import models


class Dossier(models.Model):
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT)
    child_name = models.CharField(max_length=100)

    def __str__(self):
        return f"Dossier {self.pk}"
