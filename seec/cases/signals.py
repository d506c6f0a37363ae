"""What other contexts may want to hear about a case, without the cases app knowing them."""

from django.dispatch import Signal

# Sent inside the transaction of marking a case found or closing it: the child needs no more
# searching (the alerts app cancels the case's public alerts). Arguments: case, origin.
search_ended = Signal()

# Sent inside the transaction of writing cases in bulk, without save() (the import): whoever
# keeps figures derived from cases counts them. Arguments: case_ids.
cases_inserted = Signal()
