using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Tests.Kwargs;

public class PythonReprTests
{
    [Fact]
    public void List_Empty_IsBrackets() => Assert.Equal("[]", PythonRepr.List([]));

    [Fact]
    public void List_TwoLabels_SingleQuoted() => Assert.Equal("['aws', 'staging']", PythonRepr.List(["aws", "staging"]));

    [Fact]
    public void List_LabelWithApostrophe_DoubleQuoted() => Assert.Equal("[\"it's\"]", PythonRepr.List(["it's"]));

    [Theory]
    [InlineData("a'b\"c", @"'a\'b""c'")]
    [InlineData(@"back\slash", @"'back\\slash'")]
    [InlineData("tab\there\nnl\r", @"'tab\there\nnl\r'")]
    [InlineData("\u0001\u007f", @"'\x01\x7f'")]
    [InlineData("é北", "'é北'")]
    [InlineData("\u00a0\u200b", @"'\xa0\u200b'")]
    [InlineData("😀", "'😀'")]
    public void String_Escapes_LikePythonRepr(string text, string expected)
        => Assert.Equal(expected, PythonRepr.String(text));
}
