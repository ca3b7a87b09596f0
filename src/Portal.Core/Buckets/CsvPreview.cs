namespace Portal.Core.Buckets;

using System.Text;

/// <summary>Reads the start of an RFC 4180 csv (header, quoted fields, "" for a quote, newlines inside quotes) into a table.</summary>
public static class CsvPreview
{
    /// <param name="text">The sample.</param>
    /// <param name="truncated">True when the sample was cut: its last record may be partial and is dropped.</param>
    public static PreviewTable Parse(string text, bool truncated, int maxRows = 100)
    {
        var records = Records(text, truncated);
        if (records.Count == 0) return new PreviewTable([], [], []);
        var header = records[0].Select((h, i) => string.IsNullOrEmpty(h) ? $"column {i + 1}" : h).ToList();
        var rows = new List<IReadOnlyList<string?>>();
        var problems = new List<string>();
        foreach (var record in records.Skip(1).Take(maxRows))
        {
            if (record.Count != header.Count && problems.Count < 10)
                problems.Add($"Row {rows.Count + 1} has {record.Count} fields; the header has {header.Count}.");
            while (header.Count < record.Count) header.Add($"column {header.Count + 1}");
            rows.Add(record.Cast<string?>().ToList());
        }
        return new PreviewTable(header, rows, problems);
    }

    private static List<List<string>> Records(string text, bool truncated)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var started = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"') field.Append(text[++i]);
                else quoted = false;
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = started = true;
                    break;
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    started = true;
                    break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    break;
                case '\n':
                    record.Add(field.ToString());
                    records.Add(record);
                    (record, started) = ([], false);
                    field.Clear();
                    break;
                default:
                    field.Append(c);
                    started = true;
                    break;
            }
        }
        // The last record counts when the text ended cleanly (no newline at the end of the file).
        if ((started || field.Length > 0) && !truncated && !quoted)
        {
            record.Add(field.ToString());
            records.Add(record);
        }
        return records;
    }
}
