"""The sending threads share what waits: the free threads split it (two halves in flight side
by side are answered sooner than one whole), a thread alone takes it all, and no request
carries more than a batch; a conversation's messages stay with the thread sending it."""

from types import SimpleNamespace

from seec.exchange.delivery import BATCH_MESSAGES, Worker


def waiting(count, conversation=None):
    return [
        (SimpleNamespace(conversation=conversation or f"c{number}"), "token")
        for number in range(count)
    ]


def test_two_free_threads_split_what_waits():
    worker = Worker(threads=2, batch=200)
    worker.hand_out([m for m, _t in waiting(30)], "token")
    first = worker._take(0)
    worker.busy += 1
    second = worker._take(1)
    assert (len(first), len(second)) == (15, 15)


def test_a_thread_alone_free_takes_everything_up_to_a_batch():
    worker = Worker(threads=2, batch=1000)
    worker.busy = 1  # the other thread is in the middle of a request
    worker.hand_out([m for m, _t in waiting(30)], "token")
    assert len(worker._take(0)) == 30
    worker.hand_out([m for m, _t in waiting(BATCH_MESSAGES + 50)], "token")
    assert len(worker._take(0)) == BATCH_MESSAGES
    assert len(worker.waiting) == 50


def test_a_thread_takes_the_whole_of_each_conversation_it_takes():
    worker = Worker(threads=2, batch=200)
    worker.hand_out([m for m, _t in waiting(4, conversation="one") + waiting(2)], "token")
    first = worker._take(0)
    worker.busy += 1
    # Its share is three, but the conversation's other messages could leave with no other
    # thread: they go in the same request.
    assert [m.conversation for m, _t in first] == ["one"] * 4
    assert len(worker._take(1)) == 2


def test_a_conversation_being_sent_waits_for_its_thread():
    worker = Worker(threads=2, batch=200)
    worker.hand_out([m for m, _t in waiting(2, conversation="one")], "token")
    assert len(worker._take(0)) == 2
    worker.busy += 1
    worker.hand_out([m for m, _t in waiting(1, conversation="one")], "token")
    assert worker._take(1) == []
