namespace Portal.Core.Validation;

using System.Globalization;
using System.Text;

/// <summary>
/// Names and prefixes people read and compare: NFC-normalised, so two spellings of "é" are one name, and free of
/// characters that do not show (zero-width, bidi controls and other format characters, control characters),
/// so "Acme\u200b" cannot sit beside "Acme" looking the same.
/// </summary>
public static class Names
{
    /// <summary>Trimmed and in Unicode normalisation form C.</summary>
    public static string Normalise(string? value)
    {
        var trimmed = (value ?? "").Trim();
        return trimmed.IsNormalized(NormalizationForm.FormC) ? trimmed : trimmed.Normalize(NormalizationForm.FormC);
    }

    /// <summary>Why <paramref name="value"/> cannot be a name: it holds a character that does not show. Null when it is fine.</summary>
    public static string? InvisibleProblem(string? value, string what)
    {
        if (string.IsNullOrEmpty(value)) return null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var category = char.GetUnicodeCategory(c);
            var hidden = category is UnicodeCategory.Format or UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                || (char.IsSurrogate(c) && !char.IsSurrogatePair(value, i - (char.IsLowSurrogate(c) && i > 0 ? 1 : 0)));
            if (hidden) return $"{what} cannot contain U+{(int)c:X4} ({Describe(category)}): it does not show, so two names could look the same.";
        }
        return null;
    }

    /// <summary>Whether two names are the same to a reader: equal once normalised, ignoring case.</summary>
    public static bool Same(string a, string b) => string.Equals(Normalise(a), Normalise(b), StringComparison.OrdinalIgnoreCase)
        || string.Equals(Normalise(a).ToUpperInvariant(), Normalise(b).ToUpperInvariant(), StringComparison.Ordinal);

    private static string Describe(UnicodeCategory category) => category switch
    {
        UnicodeCategory.Format => "a format character such as a zero-width space or a direction mark",
        UnicodeCategory.Control => "a control character",
        UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => "a line break",
        _ => "half of a character",
    };
}
