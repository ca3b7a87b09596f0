namespace Portal.Core.Receipts;

/// <summary>A file whose size or content differs from what the receipt says.</summary>
public sealed record FileMismatch(string Key, string Reason);

/// <summary>What verifying one table found.</summary>
public sealed record TableVerification(
    string Name, string Folder, string Status, int ExpectedFiles, int FoundFiles,
    IReadOnlyList<string> Missing, IReadOnlyList<string> Extra, IReadOnlyList<FileMismatch> Modified, int HashedFiles, string? Note);

/// <summary>A table's verification status, worst first.</summary>
public static class VerificationStatus
{
    /// <summary>The folder could not be listed (outside the connection's prefix, or S3 refused).</summary>
    public const string Unreadable = "unreadable";

    /// <summary>Files the receipt names are missing (or fewer files than <c>total_file_count</c>).</summary>
    public const string Incomplete = "incomplete";

    /// <summary>A file's size or sha256 differs from the receipt.</summary>
    public const string Modified = "modified";

    /// <summary>Everything is there, plus files the receipt does not name.</summary>
    public const string Extra = "extra";

    public const string Complete = "complete";
}

/// <summary>
/// Compares one table of a receipt with the listing of its folder, fed one key at a time so a folder of
/// any size is checked page by page. Files another table of the same receipt claims are not extra.
/// With the receipt's file list, each file is checked by key and size (and sha256 when hashed);
/// without one (receipts of other tools) only the count against <c>total_file_count</c> is.
/// </summary>
public sealed class TableCheck
{
    /// <summary>At most this many keys are listed per kind of finding; the counts stay exact.</summary>
    public const int MaxListed = 1000;

    private readonly ReceiptEntry _table;
    private readonly Dictionary<string, ReceiptFile> _expected;
    private readonly IReadOnlySet<string> _claimedElsewhere;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<string> _extra = [];
    private readonly List<FileMismatch> _modified = [];
    private readonly HashSet<string> _modifiedKeys = new(StringComparer.Ordinal);
    private int _found;
    private int _extraCount;
    private int _hashed;
    private string? _missingSchema;

    public TableCheck(ReceiptEntry table, IReadOnlySet<string> claimedElsewhere)
    {
        _table = table;
        _claimedElsewhere = claimedElsewhere;
        _expected = (table.Files ?? []).GroupBy(f => f.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }

    /// <summary>The receipt's files found with the size it gives: the ones worth hashing.</summary>
    public IEnumerable<ReceiptFile> SameSize => _expected.Values.Where(f => _seen.Contains(f.Key) && !_modifiedKeys.Contains(f.Key));

    /// <summary>One key listed under the table's folder, with its size.</summary>
    public void Observe(string key, long size)
    {
        if (_claimedElsewhere.Contains(key) && !_expected.ContainsKey(key)) return;
        _found++;
        if (_table.Files is null) return;
        if (!_expected.TryGetValue(key, out var file))
        {
            if (_extraCount++ < MaxListed) _extra.Add(key);
            return;
        }
        _seen.Add(key);
        if (file.Bytes >= 0 && file.Bytes != size)
            AddModified(new FileMismatch(key, $"{size:N0} bytes in the bucket, {file.Bytes:N0} in the receipt"));
    }

    /// <summary>The sha256 of a file as read from the bucket.</summary>
    public void Hashed(string key, string sha256)
    {
        _hashed++;
        if (_expected.TryGetValue(key, out var file) && file.Sha256.Length > 0 && !string.Equals(file.Sha256, sha256, StringComparison.OrdinalIgnoreCase))
            AddModified(new FileMismatch(key, $"sha256 {sha256[..12]}… in the bucket, {file.Sha256[..Math.Min(12, file.Sha256.Length)]}… in the receipt"));
    }

    /// <summary>The schema file the receipt names for the table is not in the bucket.</summary>
    public void SchemaMissing(string key) => _missingSchema = key;

    public TableVerification Result()
    {
        var expectedCount = _table.TotalFileCount ?? _expected.Count;
        List<string> missing = _table.Files is null ? [] : _expected.Keys.Where(k => !_seen.Contains(k)).Order(StringComparer.Ordinal).Take(MaxListed).ToList();
        var missingCount = _table.Files is null ? Math.Max(0, expectedCount - _found) : _expected.Count - _seen.Count;
        if (_missingSchema is not null)
        {
            missing.Insert(0, _missingSchema);
            missingCount++;
        }
        var extraCount = _table.Files is null ? Math.Max(0, _found - expectedCount) : _extraCount;
        var status = missingCount > 0 ? VerificationStatus.Incomplete
            : _modified.Count > 0 ? VerificationStatus.Modified
            : extraCount > 0 ? VerificationStatus.Extra
            : VerificationStatus.Complete;
        string? note = null;
        if (_table.Files is null) note = "The receipt lists no files: only the file count was compared.";
        if (_missingSchema is not null) note = (note is null ? "" : note + " ") + "Its schema file is missing.";
        else if (_table.TotalFileCount is { } total && total != _expected.Count) note = $"The receipt says {total} files but lists {_expected.Count}.";
        if (_table.Files is not null && (missingCount > missing.Count || extraCount > _extra.Count))
            note = (note is null ? "" : note + " ") + $"{missingCount:N0} missing and {extraCount:N0} extra files in all; the first {MaxListed:N0} of each are listed.";
        return new TableVerification(_table.Name, _table.Folder, status, expectedCount, _found, missing, _extra.Order(StringComparer.Ordinal).ToList(),
            _modified.OrderBy(m => m.Key, StringComparer.Ordinal).ToList(), _hashed, note);
    }

    private void AddModified(FileMismatch mismatch)
    {
        if (_modifiedKeys.Add(mismatch.Key) && _modified.Count < MaxListed) _modified.Add(mismatch);
    }
}
