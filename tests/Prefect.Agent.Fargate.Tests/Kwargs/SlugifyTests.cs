using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Tests.Kwargs;

public class SlugifyTests
{
    [Theory]
    [InlineData("name #1", "name-1")]
    [InlineData("My Flow", "my-flow")]
    [InlineData("ETL: Daily (v2)", "etl-daily-v2")]
    [InlineData("Straße Übung", "strasse-ubung")]
    [InlineData("it's_a flow", "it-s-a-flow")]
    [InlineData("__x__", "x")]
    [InlineData("Flow 1,000 rows", "flow-1000-rows")]
    [InlineData("a&amp;b", "a-b")]
    [InlineData("UPPER_case-Mixed", "upper-case-mixed")]
    [InlineData("!!!", "")]
    [InlineData("flow #1", "flow-1")]
    public void Slug_AppendixBExamples_MatchPythonSlugify(string text, string expected)
        => Assert.Equal(expected, Slugify.Slug(text));

    [Theory]
    [InlineData("ß", "ss")]
    [InlineData("Ü", "u")]
    [InlineData("Æsir Øl þing", "aesir-ol-thing")]
    [InlineData("Łódź", "lodz")]
    [InlineData("Œuvre ĳssel", "oeuvre-ijssel")]
    [InlineData("Ελληνικά", "ellenika")]
    [InlineData("Θεσσαλονίκη", "thessalonike")]
    [InlineData("Привет мир", "privet-mir")]
    [InlineData("Щука Ёж Їжак", "shchuka-iozh-yizhak")]
    [InlineData("Ґанок", "ganok")]
    [InlineData("© 2024 ½ °C", "c-2024-1-2-degc")]
    [InlineData("café", "cafe")]
    public void Slug_Transliteration_MatchesTextUnidecode(string text, string expected)
        => Assert.Equal(expected, Slugify.Slug(text));

    [Theory]
    [InlineData("caf&eacute;", "cafe")]
    [InlineData("a&#65;b", "aab")]
    [InlineData("a&#x42;c", "abc")]
    [InlineData("x&#99999999;y&#65;", "x-99999999-y-65")]
    [InlineData("a&bogus;b", "a-bogus-b")]
    public void Slug_CharacterReferences_DecodedLikePython(string text, string expected)
        => Assert.Equal(expected, Slugify.Slug(text));

    [Theory]
    [InlineData("a''b", "a-b")]
    [InlineData("1,2,3 x,y", "123-x-y")]
    [InlineData("--a---b--", "a-b")]
    public void Slug_EdgeCases(string text, string expected)
        => Assert.Equal(expected, Slugify.Slug(text));

    [Fact]
    public void Slug_Cjk_NotCoveredByOurTables_GivesEmptySlug()
    {
        // python-slugify gives "bei-jing"; we do not ship a CJK table (see Transliteration), the planner then refuses the name.
        Assert.Equal(string.Empty, Slugify.Slug("北京"));
        Assert.Equal("flow", Slugify.Slug("北京 flow"));
    }

    [Fact]
    public void Slug_LongName_IsNotTruncated()
        => Assert.Equal(300, Slugify.Slug(new string('a', 300)).Length);
}
