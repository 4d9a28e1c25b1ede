using PullWorker.CostModel.Reporting;

namespace PullWorker.CostModel.Tests.Reporting;

public sealed class TextTableTests
{
    [Test]
    public void ToString_NumericColumn_IsRightAlignedAndTextLeftAligned()
    {
        var table = new TextTable("setup", "cost", "note").Add("a", "$1.5", "x y").Add("longer", "$10.25", "z");

        var lines = table.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Is.EqualTo("setup     cost  note"));
            Assert.That(lines[2], Is.EqualTo("a         $1.5  x y"));
            Assert.That(lines[3], Is.EqualTo("longer  $10.25  z"));
        });
    }

    [Test]
    public void Add_WrongCellCount_IsRejected()
    {
        Assert.That(() => new TextTable("a", "b").Add("only one"), Throws.ArgumentException.With.Message.Contains("2 cells"));
    }
}
