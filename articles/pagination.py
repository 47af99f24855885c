"""Newer/older pages without COUNT(*): at 100,000 essays the count cost more than the page."""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator

MAX_PAGE = 1_000_000


class SequentialPage(Page):
    def has_next(self):
        return self.paginator.more_after(self.number)


class SequentialPaginator(Paginator):
    """Fetches one row more than a page to learn whether an older page exists."""

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger("That page number is not an integer") from exc
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        if number > MAX_PAGE:  # an offset the database could not even represent
            raise EmptyPage("That page contains no results")
        return number

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        rows = list(self.object_list[start : start + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        self._more = {number: len(rows) > self.per_page}
        return SequentialPage(rows[: self.per_page], number, self)

    def more_after(self, number) -> bool:
        return self._more.get(number, False)
