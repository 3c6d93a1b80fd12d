using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Prefect.Agent.Fargate.Kwargs;

/// <summary>
/// The transliteration step of slugify (text-unidecode's output) for the scripts flow names use most: Latin-1
/// Supplement, Latin Extended-A and -B, Greek and Cyrillic (with the common Ukrainian, Kazakh and Tatar letters).
/// </summary>
/// <remarks>
/// Hand-written: no package on our NuGet feed transliterates like text-unidecode, and text-unidecode's own table is
/// Artistic/GPL licensed, so it is not copied. The rule is: an explicit entry below, else the character's NFKD
/// decomposition without combining marks (é → e, ǅ → Dz), else nothing. Not covered, hence dropped: CJK (text-unidecode
/// gives pinyin, <c>北京</c> → <c>Bei Jing </c>), Arabic, Hebrew, Indic scripts and symbols. A flow name made only of
/// those yields an empty slug, which the planner refuses with an actionable message.
/// </remarks>
internal static class Transliteration
{
    private static readonly FrozenDictionary<int, string> Table = Build();

    /// <summary>Transliterates text to ASCII.</summary>
    /// <param name="text">The text.</param>
    /// <returns>ASCII text.</returns>
    public static string ToAscii(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            Append(sb, rune, depth: 0);
        }

        return sb.ToString();
    }

    private static void Append(StringBuilder sb, Rune rune, int depth)
    {
        if (rune.IsAscii)
        {
            sb.Append((char)rune.Value);
            return;
        }

        if (Table.TryGetValue(rune.Value, out var mapped))
        {
            sb.Append(mapped);
            return;
        }

        if (depth > 0 && Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.SpacingCombiningMark)
        {
            return;
        }

        var decomposed = rune.ToString().Normalize(NormalizationForm.FormKD);
        if (decomposed != rune.ToString())
        {
            foreach (var part in decomposed.EnumerateRunes())
            {
                Append(sb, part, depth + 1);
            }
        }
    }

    private static FrozenDictionary<int, string> Build()
    {
        var table = new Dictionary<int, string>();
        Block(table, 0xA0, " |!|C/|PS|$?|Y=|||SS|\"|(c)|a|<<|!||(r)|-|deg|+-|2|3|'|u|P|*|,|1|o|>>|1/4|1/2|3/4|?");
        Pairs(table, "Æ=AE Ð=D ×=x Ø=O Þ=Th ß=ss æ=ae ð=d ÷=/ ø=o þ=th");

        // Latin Extended-A letters without a decomposition (and two whose decomposition differs).
        Pairs(table, "Đ=D đ=d Ħ=H ħ=h ı=i Ĳ=IJ ĳ=ij ĸ=k Ŀ=L ŀ=l Ł=L ł=l ŉ='n Ŋ=ng ŋ=NG Œ=OE œ=oe Ŧ=T ŧ=t ſ=s");

        // Latin Extended-B.
        Pairs(table, "ƀ=b Ɓ=B Ƃ=B ƃ=b Ƅ=6 ƅ=6 Ɔ=O Ƈ=C ƈ=c Ɖ=D Ɗ=D Ƌ=D ƌ=d ƍ=d Ǝ=3 Ə=@ Ɛ=E Ƒ=F ƒ=f Ɠ=G Ɣ=G ƕ=hv Ɩ=I Ɨ=I "
            + "Ƙ=K ƙ=k ƚ=l ƛ=l Ɯ=W Ɲ=N ƞ=n Ɵ=O Ƣ=OI ƣ=oi Ƥ=P ƥ=p Ʀ=YR Ƨ=2 ƨ=2 Ʃ=SH ƪ=sh ƫ=t Ƭ=T ƭ=t Ʈ=T Ʊ=Y Ʋ=V Ƴ=Y "
            + "ƴ=y Ƶ=Z ƶ=z Ʒ=ZH Ƹ=ZH ƹ=zh ƺ=zh ƻ=2 Ƽ=5 ƽ=5 ƾ=ts ƿ=w ǀ=| ǁ=|| ǂ=|= ǃ=! ǝ=@ Ǣ=AE ǣ=ae Ǥ=G ǥ=g Ǯ=ZH "
            + "ǯ=zh Ƕ=HV Ƿ=W Ǽ=AE ǽ=ae Ǿ=O ǿ=o Ȝ=Y ȝ=y Ƞ=N ȡ=d Ȣ=OU ȣ=ou Ȥ=Z ȥ=z ȴ=l ȵ=n ȶ=t ȷ=j ȸ=db ȹ=qp Ⱥ=A Ȼ=C "
            + "ȼ=c Ƚ=L Ⱦ=T ȿ=s ɀ=z Ƀ=B Ʉ=U Ʌ=^ Ɇ=E ɇ=e Ɉ=J ɉ=j Ɋ=q ɋ=q Ɍ=R ɍ=r Ɏ=Y ɏ=y");

        // Greek (modern letters; accented ones decompose, except the two with dialytika and tonos).
        Block(table, 0x391, "A|B|G|D|E|Z|E|Th|I|K|L|M|N|Ks|O|P|R||S|T|U|Ph|Kh|Ps|O");
        Block(table, 0x3B1, "a|b|g|d|e|z|e|th|i|k|l|m|n|x|o|p|r|s|s|t|u|ph|kh|ps|o");
        Pairs(table, "ΐ=I ΰ=u ϐ=b ϑ=th ϒ=U ϕ=ph ϖ=p ϰ=k ϱ=r ϲ=c ϳ=j ʹ=' ͵=, ͺ= \u037E=? ΄= ΅= \u0387=; ϗ=&");

        // Archaic Greek and Coptic letters.
        Block(table, 0x3DA, "St|st|W|w|Q|q|Sp|sp|Sh|sh|F|f|Kh|kh|H|h|G|g|CH|ch|Ti|ti");

        // Cyrillic: Russian, Ukrainian, Belarusian, Serbian, Macedonian, then common Turkic letters.
        Block(table, 0x400, "Ie|Io|Dj|Gj|E|Dz|I|Yi|J|Lj|Nj|Tsh|Kj|I|U|Dzh|A|B|V|G|D|E|Zh|Z|I|I|K|L|M|N|O|P|R|S|T|U|F|Kh|Ts|Ch|Sh|Shch||Y|'|E|Iu|Ia");
        Block(table, 0x430, "a|b|v|g|d|e|zh|z|i|i|k|l|m|n|o|p|r|s|t|u|f|kh|ts|ch|sh|shch||y|'|e|iu|ia|ie|io|dj|gj|ie|dz|i|yi|j|lj|nj|tsh|kj|i|u|dzh");
        Pairs(table, "Ґ=G' ґ=g' Ғ=G' ғ=g' Җ=Zh' җ=zh' Қ=K' қ=k' Ң=N' ң=n' Ү=U ү=u Ұ=U' ұ=u' Ҳ=Kh' ҳ=kh' Һ=H һ=h "
            + "Ә=@ ә=@ Ө=O ө=o Ӛ=@ ӛ=@ Ӓ=A ӓ=a Ӧ=O ӧ=o Ӱ=U ӱ=u Ӑ=a ӑ=a Ӕ=Ae ӕ=ae Ӗ=Ie ӗ=ie Ӡ=Dz ӡ=dz Ӏ=` Ӄ=K' ӄ=k' "
            + "Ӈ=N' ӈ=n' Ӌ=Ch ӌ=ch Ҏ=R' ҏ=r' Ҕ=G' ҕ=g' Ҙ=Z' ҙ=z' Ҝ=K' ҝ=k' Ҟ=K' ҟ=k' Ҡ=K' ҡ=k' Ҥ=Ng ҥ=ng Ҧ=P' ҧ=p' Ҩ=Kh "
            + "ҩ=kh Ҫ=S' ҫ=s' Ҭ=T' ҭ=t' Ҵ=Tts ҵ=tts Ҷ=Ch' ҷ=ch' Ҹ=Ch' ҹ=ch' Ҽ=Ch ҽ=ch Ҿ=Ch' ҿ=ch' Ҍ=\" ҍ=\" ҂=*1000*");

        // Historic Cyrillic letters.
        Block(table, 0x460, "O|o|E|e|Ie|ie|E|e|Ie|ie|O|o|Io|io|Ks|ks|Ps|ps|F|f|Y|y|Y|y|u|u|O|o|O|o|Ot|ot|Q|q");
        return table.ToFrozenDictionary();
    }

    private static void Block(Dictionary<int, string> table, int first, string values)
    {
        var items = values.Split('|');
        if (first == 0xA0)
        {
            // "|" itself is the broken bar's value: the split leaves two empty items for it, merged here.
            items = [.. items[..6], "|", .. items[8..]];
        }

        for (var i = 0; i < items.Length; i++)
        {
            if (first + i != 0x3A2)
            {
                table[first + i] = items[i];
            }
        }
    }

    private static void Pairs(Dictionary<int, string> table, string pairs)
    {
        foreach (var pair in pairs.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var rune = pair.EnumerateRunes().First();
            table[rune.Value] = pair[(rune.Utf16SequenceLength + 1)..];
        }
    }
}
