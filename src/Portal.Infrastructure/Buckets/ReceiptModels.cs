namespace Portal.Infrastructure.Buckets;

using Portal.Core.Receipts;

/// <summary>A receipt found in a connection's bucket: where it is, what it says, and the run that wrote it when the portal knows it.</summary>
public sealed record FoundReceipt(string Key, string Folder, ReceiptDocument Document, long? RunId);

/// <summary>What verifying a receipt against the bucket found, table by table.</summary>
public sealed record ReceiptVerification(string ReceiptKey, bool Sha256, DateTimeOffset CheckedAt, IReadOnlyList<TableVerification> Tables)
{
    public bool Complete => Tables.All(t => t.Status == VerificationStatus.Complete);
}

/// <summary>How far a verification is: work is one unit per file listed and one per file hashed.</summary>
public sealed record VerifyProgress(string Table, int TablesDone, int Tables, long Done, long Total);
