using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Tests.Kwargs;

public class PythonLiteralTests
{
    [Theory]
    [InlineData("'abc'", "\"abc\"")]
    [InlineData("\"abc\"", "\"abc\"")]
    [InlineData("'''a'b'''", "\"a'b\"")]
    [InlineData("\"\"\"x\ny\"\"\"", "\"x\\ny\"")]
    [InlineData(@"'a\nb\t\\\'\x41\u00e9\101'", "\"a\\nb\\t\\\\'Aé\\u0041\"")]
    [InlineData(@"r'a\nb'", "\"a\\\\nb\"")]
    [InlineData(@"R'\d+'", "\"\\\\d+\"")]
    [InlineData("u'x'", "\"x\"")]
    [InlineData("b'x'", "\"x\"")]
    [InlineData("rb'\\x'", "\"\\\\x\"")]
    [InlineData("'a' \"b\" r'c'", "\"abc\"")]
    [InlineData(@"'\q'", "\"\\\\q\"")]
    public void Parse_Strings_MatchLiteralEval(string text, string expectedJson)
        => Assert.Equal(Json.Normalize(expectedJson), Json.Of(PythonLiteral.Parse(text)));

    [Theory]
    [InlineData("123", "123")]
    [InlineData("-5", "-5")]
    [InlineData("+7", "7")]
    [InlineData("0x1F", "31")]
    [InlineData("0o17", "15")]
    [InlineData("0b101", "5")]
    [InlineData("1_000_000", "1000000")]
    [InlineData("0x_ff", "255")]
    [InlineData("00", "0")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("-(3)", "-3")]
    [InlineData("1e3", "1000")]
    [InlineData("1.5", "1.5")]
    [InlineData(".5", "0.5")]
    [InlineData("-2.", "-2")]
    [InlineData("1_0.2_5", "10.25")]
    public void Parse_Numbers_MatchLiteralEval(string text, string expectedJson)
        => Assert.Equal(expectedJson, Json.Of(PythonLiteral.Parse(text)));

    [Fact]
    public void Parse_Integer_IsJsonIntegerNotFloat()
    {
        var node = PythonLiteral.Parse("256");
        Assert.Equal(256L, node!.GetValue<long>());
        Assert.IsType<double>(PythonLiteral.Parse("1e3")!.GetValue<double>());
    }

    [Theory]
    [InlineData("True", "true")]
    [InlineData("False", "false")]
    [InlineData("None", "null")]
    [InlineData("[1, 'a', None]", "[1,\"a\",null]")]
    [InlineData("[1, 2,]", "[1,2]")]
    [InlineData("(1, 2)", "[1,2]")]
    [InlineData("(1,)", "[1]")]
    [InlineData("()", "[]")]
    [InlineData("(5)", "5")]
    [InlineData("1, 2", "[1,2]")]
    [InlineData("{'a': True, \"b\": [1, {'c': None}]}", "{\"a\":true,\"b\":[1,{\"c\":null}]}")]
    [InlineData("{}", "{}")]
    [InlineData("{1: 'x'}", "{\"1\":\"x\"}")]
    [InlineData("{'a': 1, 'a': 2}", "{\"a\":2}")]
    [InlineData("{1, 2, 1}", "[1,2]")]
    [InlineData("set()", "[]")]
    [InlineData("  \t[1]", "[1]")]
    [InlineData("[1,\n 2] # comment\n", "[1,2]")]
    [InlineData("[{'key': 'k', 'value': 'v'}]", "[{\"key\":\"k\",\"value\":\"v\"}]")]
    public void Parse_Containers_MatchLiteralEval(string text, string expectedJson)
        => Assert.Equal(expectedJson, Json.Of(PythonLiteral.Parse(text)));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("FARGATE")]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("null")]
    [InlineData("1.4.0")]
    [InlineData("LATEST")]
    [InlineData("arn:aws:iam::123456789012:role/x")]
    [InlineData("my-cluster")]
    [InlineData("1 + 2")]
    [InlineData("--1")]
    [InlineData("-True")]
    [InlineData("01")]
    [InlineData("1__0")]
    [InlineData("1_")]
    [InlineData("0b2")]
    [InlineData("1j")]
    [InlineData("1+2j")]
    [InlineData("1e999")]
    [InlineData("f'x'")]
    [InlineData("'a' b'b'")]
    [InlineData("b'é'")]
    [InlineData("'unterminated")]
    [InlineData("'a\nb'")]
    [InlineData("[1, 2")]
    [InlineData("{'a' 1}")]
    [InlineData("{(1, 2): 3}")]
    [InlineData("1,\n2")]
    [InlineData("\"{\\\"a\\\": true}\" x")]
    [InlineData("'\\N{DASH}'")]
    public void Parse_NotALiteral_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => PythonLiteral.Parse(text));
        Assert.False(PythonLiteral.TryParse(text, out _));
    }

    [Fact]
    public void Parse_JsonWithoutTrueFalseNull_IsALiteral()
        => Assert.Equal("{\"a\":\"b\",\"n\":[1,2.5]}", Json.Of(PythonLiteral.Parse("{\"a\": \"b\", \"n\": [1, 2.5]}")));

    [Fact]
    public void TryParse_None_ReturnsTrueWithNull()
    {
        Assert.True(PythonLiteral.TryParse("None", out var value));
        Assert.Null(value);
    }

    [Fact]
    public void Parse_DeepNesting_IsRefused()
        => Assert.Throws<FormatException>(() => PythonLiteral.Parse(new string('[', 200) + new string(']', 200)));

    [Fact]
    public void Parse_NegativeBigInteger_IsExact()
        => Assert.Equal("-99999999999999999999", Json.Of(PythonLiteral.Parse("-99999999999999999999")));

    [Fact]
    public void Parse_NestedNodes_AreDetached()
    {
        var node = (JsonArray)PythonLiteral.Parse("[[1], {'a': [2]}]")!;
        var other = new JsonArray(node[0]!.DeepClone());
        Assert.Equal("[[1]]", Json.Of(other));
    }
}
