namespace Portal.Core.Tests.Formats;

using Parquet;
using Parquet.Serialization;
using Portal.Core.Formats;

/// <summary>Row groups are encoded on a task of their own while the next fills; the file still holds every row once, in order.</summary>
public sealed class ParquetRowWriterTests
{
    private static readonly SourceColumn[] Columns =
        [new("id", ColumnKind.Integer, "INTEGER"), new("name", ColumnKind.Text, "TEXT"), new("amount", ColumnKind.Decimal, "NUMERIC(12,2)")];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(ParquetRowWriter.RowGroupRows)]
    [InlineData(3 * ParquetRowWriter.RowGroupRows + 17)]
    public async Task Every_row_reads_back_in_order_across_row_groups_written_in_the_background(int rows)
    {
        using var output = new MemoryStream();
        await using (var writer = new ParquetRowWriter(output, Columns))
        {
            var batch = new RowBatch(Columns.Length);
            for (var i = 0; i < rows; i++)
            {
                if (batch.IsFull)
                {
                    for (var r = 0; r < batch.Count; r++) await writer.WriteRowAsync(batch, r, default);
                    batch.Clear();
                }
                batch.AddRow();
                batch.SetInteger(0, i);
                if (i % 7 != 0) batch.SetText(1, "row " + i);
                batch.SetDecimal(2, i / 100m);
            }
            for (var r = 0; r < batch.Count; r++) await writer.WriteRowAsync(batch, r, default);
            await writer.CompleteAsync(default);
        }

        output.Position = 0;
        await using var reader = await ParquetReader.CreateAsync(output, leaveStreamOpen: true);
        Assert.Equal(Math.Max(1, (rows + ParquetRowWriter.RowGroupRows - 1) / ParquetRowWriter.RowGroupRows), reader.RowGroupCount);
        output.Position = 0;
        var read = (await ParquetSerializer.DeserializeUntypedAsync(output)).Data.Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(rows, read.Count);
        for (var i = 0; i < rows; i++)
        {
            Assert.Equal((long)i, read[i]["id"]);
            Assert.Equal(i % 7 != 0 ? "row " + i : null, read[i].TryGetValue("name", out var name) ? name : null);
            Assert.Equal(i / 100m, read[i]["amount"]);
        }
    }
}
