"""Two calls from the same new number logged at the same moment: one client, two crises, no error."""

import threading

import pytest
from django.db import connection

from crisisline.crises.models import Client, Crisis
from crisisline.crises.services import Intake, crisis_open


@pytest.mark.django_db(transaction=True)
def test_the_same_new_number_twice_at_once_makes_one_client(team, person):
    barrier = threading.Barrier(2)
    errors = []

    def log():
        try:
            barrier.wait(timeout=10)
            crisis_open(team=team, intake=Intake(crisis_type="other", phone="+91 98450 11111"), by=person)
        except Exception as error:  # the test's point: none may happen
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=log) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Client.objects.count() == 1
    assert Crisis.objects.filter(client__isnull=False).values("client").distinct().count() == 1
    assert Crisis.objects.count() == 2
