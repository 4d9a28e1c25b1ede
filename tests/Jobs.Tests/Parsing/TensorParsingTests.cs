using System.Buffers.Binary;
using System.Runtime.InteropServices;
using PullWorker.Jobs.Parsing;
using static PullWorker.Jobs.Tests.Parsing.Jobs;

namespace PullWorker.Jobs.Tests.Parsing;

public sealed class TensorParsingTests
{
    [Test]
    public void Parse_Float32Data_ReturnsLittleEndianBytes()
    {
        var tensor = Tensor(Parse(WithInput("""{"dtype":"float32","shape":[2,2],"data":[1.5,-2,3e2,0.1]}""")));

        Assert.Multiple(() =>
        {
            Assert.That(tensor.DType, Is.EqualTo(InputDType.Float32));
            Assert.That(tensor.Shape, Is.EqualTo(new long[] { 2, 2 }));
            Assert.That(tensor.ElementCount, Is.EqualTo(4));
            Assert.That(Floats(tensor.Data.Span), Is.EqualTo(new[] { 1.5f, -2f, 300f, 0.1f }));
        });
    }

    [Test]
    public void Parse_Float16Data_RoundsOnceToHalf()
    {
        var tensor = Tensor(Parse(WithInput("""{"dtype":"float16","shape":[3],"data":[0.1,65504,-1]}""")));

        var values = Enumerable.Range(0, 3).Select(i => BinaryPrimitives.ReadHalfLittleEndian(tensor.Data.Span[(i * 2)..])).ToArray();
        Assert.That(values, Is.EqualTo(new[] { (Half)0.1f, Half.MaxValue, (Half)(-1f) }));
    }

    [Test]
    public void Parse_IntegerDtypes_ReturnExtremeValuesExactly()
    {
        var result = Parse("""
            {"inputs":{
              "a":{"dtype":"int64","shape":[3],"data":[-9223372036854775808,9223372036854775807,2.0]},
              "b":{"dtype":"int32","shape":[2],"data":[-2147483648,2147483647]},
              "c":{"dtype":"uint8","shape":[3],"data":[0,255,1e2]},
              "d":{"dtype":"bool","shape":[4],"data":[true,false,1,0]}}}
            """);

        Assert.Multiple(() =>
        {
            Assert.That(MemoryMarshal.Cast<byte, long>(Tensor(result, "a").Data.Span).ToArray(), Is.EqualTo(new[] { long.MinValue, long.MaxValue, 2L }));
            Assert.That(MemoryMarshal.Cast<byte, int>(Tensor(result, "b").Data.Span).ToArray(), Is.EqualTo(new[] { int.MinValue, int.MaxValue }));
            Assert.That(Tensor(result, "c").Data.ToArray(), Is.EqualTo(new byte[] { 0, 255, 100 }));
            Assert.That(Tensor(result, "d").Data.ToArray(), Is.EqualTo(new byte[] { 1, 0, 1, 0 }));
        });
    }

    [Test]
    public void Parse_B64_KeepsTheBytesAsSent()
    {
        var bytes = new byte[12];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, float.NaN);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4), 1f);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(8), float.NegativeInfinity);

        var tensor = Tensor(Parse(WithInput($$"""{"dtype":"float32","shape":[3],"b64":"{{Convert.ToBase64String(bytes)}}"}""")));

        Assert.That(tensor.Data.ToArray(), Is.EqualTo(bytes));
    }

    [Test]
    public void Parse_FieldsInAnyOrder_GiveTheSameTensor()
    {
        var usual = Tensor(Parse(WithInput("""{"dtype":"int32","shape":[3],"data":[1,2,3]}""")));
        var dataFirst = Tensor(Parse(WithInput("""{"data":[1,2,3],"shape":[3],"dtype":"int32"}""")));
        var dataBetween = Tensor(Parse(WithInput("""{"shape":[3],"data":[1,2,3],"dtype":"int32"}""")));

        Assert.Multiple(() =>
        {
            Assert.That(dataFirst.Data.ToArray(), Is.EqualTo(usual.Data.ToArray()));
            Assert.That(dataBetween.Data.ToArray(), Is.EqualTo(usual.Data.ToArray()));
            Assert.That(dataFirst.Shape, Is.EqualTo(usual.Shape));
        });
    }

    [Test]
    public void Parse_NonFiniteNamesForFloats_AreAccepted()
    {
        var tensor = Tensor(Parse(WithInput("""{"dtype":"float32","shape":[3],"data":["NaN","Infinity","-Infinity"]}""")));

        Assert.That(Floats(tensor.Data.Span), Is.EqualTo(new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity }));
    }

    [Test]
    public void Parse_ScalarAndEmptyShapes_HaveOneAndZeroValues()
    {
        var result = Parse("""
            {"inputs":{"s":{"dtype":"float32","shape":[],"data":[7]},
                       "e":{"dtype":"float32","shape":[0,3],"data":[]},
                       "z":{"dtype":"int64","shape":[0,9223372036854775807,9223372036854775807],"b64":""}}}
            """);

        Assert.Multiple(() =>
        {
            Assert.That(Tensor(result, "s").ElementCount, Is.EqualTo(1));
            Assert.That(Floats(Tensor(result, "s").Data.Span), Is.EqualTo(new[] { 7f }));
            Assert.That(Tensor(result, "e").ElementCount, Is.Zero);
            Assert.That(Tensor(result, "z").ElementCount, Is.Zero);
        });
    }

    [Test]
    public void Parse_ManyInputs_KeepsTheJobsOrder()
    {
        var result = Parse("""
            {"inputs":{"b":{"dtype":"bool","shape":[1],"data":[true]},"a":{"dtype":"bool","shape":[1],"data":[false]}}}
            """);

        Assert.That(result.Job!.Inputs.Keys, Is.EqualTo(new[] { "b", "a" }));
    }

    [Test]
    public void TakeArrays_ReturnsTheParsedShapeAndBytes()
    {
        var tensor = Tensor(Parse(WithInput("""{"dtype":"uint8","shape":[2],"data":[4,5]}""")));

        var (shape, data) = tensor.TakeArrays();

        Assert.Multiple(() =>
        {
            Assert.That(shape, Is.EqualTo(new long[] { 2 }));
            Assert.That(data, Is.EqualTo(new byte[] { 4, 5 }));
        });
    }

    private static float[] Floats(ReadOnlySpan<byte> bytes) => MemoryMarshal.Cast<byte, float>(bytes).ToArray();
}
