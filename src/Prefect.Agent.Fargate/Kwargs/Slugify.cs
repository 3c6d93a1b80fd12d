using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Prefect.Agent.Fargate.Kwargs;

/// <summary>python-slugify 4.x/5.x with default arguments (reference Appendix B): family names and S3 keys.</summary>
internal static partial class Slugify
{
    /// <summary>Slugifies a text: <c>ETL: Daily (v2)</c> → <c>etl-daily-v2</c>. May return an empty string.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The slug (<c>[-a-z0-9]</c>, no truncation).</returns>
    public static string Slug(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = QuotePattern().Replace(text, "-");
        text = Transliteration.ToAscii(text);
        text = EntityPattern().Replace(text, m => HtmlEntities.CodePoints.TryGetValue(m.Groups[1].Value, out var cp) ? char.ConvertFromUtf32(cp) : m.Value);
        text = ReplaceCharacterReferences(text, DecimalPattern(), NumberStyles.None);
        text = ReplaceCharacterReferences(text, HexPattern(), NumberStyles.AllowHexSpecifier);
        text = text.Normalize(NormalizationForm.FormKD);
        text = text.ToLowerInvariant();
        text = QuotePattern().Replace(text, string.Empty);
        text = NumbersPattern().Replace(text, string.Empty);
        text = DisallowedPattern().Replace(text, "-");
        text = DuplicateDashPattern().Replace(text, "-");
        return text.Trim('-');
    }

    // Python's re.sub with chr(): one reference out of range makes the whole substitution fail, and slugify then
    // keeps the text unchanged (its try/except surrounds the whole call).
    private static string ReplaceCharacterReferences(string text, Regex pattern, NumberStyles style)
    {
        var failed = false;
        var replaced = pattern.Replace(text, m =>
        {
            if (!int.TryParse(m.Groups[1].Value, style, CultureInfo.InvariantCulture, out var cp) || cp > 0x10FFFF)
            {
                failed = true;
                return m.Value;
            }

            return cp is >= 0xD800 and <= 0xDFFF ? ((char)cp).ToString() : char.ConvertFromUtf32(cp);
        });
        return failed ? text : replaced;
    }

    [GeneratedRegex("'+")]
    private static partial Regex QuotePattern();

    [GeneratedRegex("&([A-Za-z0-9]+);")]
    private static partial Regex EntityPattern();

    [GeneratedRegex("&#([0-9]+);")]
    private static partial Regex DecimalPattern();

    [GeneratedRegex("&#x([0-9a-fA-F]+);")]
    private static partial Regex HexPattern();

    [GeneratedRegex(@"(?<=[0-9]),(?=[0-9])")]
    private static partial Regex NumbersPattern();

    [GeneratedRegex("[^-a-z0-9]+")]
    private static partial Regex DisallowedPattern();

    [GeneratedRegex("-{2,}")]
    private static partial Regex DuplicateDashPattern();
}
