"""Deadline keeps asyncio.timeout's semantics: its own expiry is a TimeoutError, any other
cancellation passes through untouched."""

from __future__ import annotations

import asyncio

import pytest

from monitor.deadline import Deadline


def test_a_block_that_outlives_its_deadline_raises_timeout_error() -> None:
    async def main() -> None:
        with pytest.raises(TimeoutError):
            async with Deadline(0.01):
                await asyncio.sleep(10)
        assert asyncio.current_task().cancelling() == 0  # type: ignore[union-attr]
        await asyncio.sleep(0)  # the task is usable again

    asyncio.run(main())


def test_a_block_within_its_deadline_is_not_disturbed_later() -> None:
    async def main() -> str:
        async with Deadline(0.02):
            await asyncio.sleep(0)
        await asyncio.sleep(0.05)  # past the deadline: nothing fires
        return "done"

    assert asyncio.run(main()) == "done"


def test_a_cancellation_from_outside_is_not_turned_into_a_timeout() -> None:
    async def inner(started: asyncio.Event) -> None:
        async with Deadline(10):
            started.set()
            await asyncio.sleep(10)

    async def main() -> None:
        started = asyncio.Event()
        task = asyncio.ensure_future(inner(started))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())


def test_the_inner_of_two_deadlines_expires_as_its_own() -> None:
    async def main() -> str:
        async with Deadline(10):
            try:
                async with Deadline(0.01):
                    await asyncio.sleep(10)
            except TimeoutError:
                return "inner"
        return "none"

    assert asyncio.run(main()) == "inner"


def test_an_outer_deadline_is_not_swallowed_by_an_inner_one() -> None:
    async def main() -> str:
        try:
            async with Deadline(0.01), Deadline(10):
                await asyncio.sleep(10)
        except TimeoutError:
            return "outer"
        return "none"

    assert asyncio.run(main()) == "outer"
