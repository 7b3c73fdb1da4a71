"""factory_boy factories; a test sets explicitly only the fields it is about."""

import factory
from factory.django import DjangoModelFactory

from corpus.models import Article, Block, Sentence, content_hash
from corpus.segmentation import segment


class ArticleFactory(DjangoModelFactory):
    """An English article of a few paragraphs, with its blocks and sentences.

    Pass `segmented=False` for an article without blocks and sentences.
    """

    class Meta:
        model = Article
        skip_postgeneration_save = True

    class Params:
        paragraphs = factory.Faker("paragraphs", nb=3)

    title = factory.Faker("sentence", nb_words=6)
    publisher = factory.Faker("company")
    author = factory.Faker("name")
    language = "en"
    external_id = factory.Sequence(lambda n: f"article-{n}")
    text = factory.LazyAttribute(lambda article: "\n\n".join(article.paragraphs))
    content_hash = factory.LazyAttribute(lambda article: content_hash(article.text))

    @factory.post_generation
    def segmented(article, create, extracted, **kwargs):  # noqa: N805 (factory_boy passes the object)
        if not create or extracted is False:
            return
        for span in segment(article.text):
            block = Block.objects.create(
                article=article, kind=span.kind, start=span.start, end=span.end
            )
            Sentence.objects.bulk_create(
                Sentence(article=article, block=block, start=start, end=end)
                for start, end in span.sentences
            )
