<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN" sourcelanguage="en">
<context>
    <name>ArchitecturePanel</name>
    <message>
        <source>Model</source>
        <translation>Mô hình</translation>
    </message>
    <message>
        <source>(custom)</source>
        <translation>(tùy chỉnh)</translation>
    </message>
    <message>
        <source>Every architecture the core knows: torchvision&apos;s ResNets, ResNeXts and Wide ResNets, and the paper&apos;s CIFAR models.</source>
        <translation>Mọi kiến trúc mà core biết: các ResNet, ResNeXt và Wide ResNet của torchvision, và các mô hình CIFAR của bài báo.</translation>
    </message>
    <message>
        <source>&amp;Preset</source>
        <translation>&amp;Cấu hình sẵn</translation>
    </message>
    <message>
        <source>Custom blocks per stage</source>
        <translation>Số block mỗi stage tùy chỉnh</translation>
    </message>
    <message>
        <source>Depth = blocks per stage. ResNeXt keeps ResNet&apos;s depth and stage layout and only changes the inside of each bottleneck block.</source>
        <translation>Độ sâu = số block mỗi stage. ResNeXt giữ nguyên độ sâu và cách chia stage của ResNet, chỉ thay đổi bên trong mỗi bottleneck block.</translation>
    </message>
    <message>
        <source>&amp;Depth</source>
        <translation>Độ &amp;sâu</translation>
    </message>
    <message>
        <source>Blocks per stage, comma-separated, 1 to 6 stages (e.g. 3,4,6,3). Press Enter to apply.</source>
        <translation>Số block mỗi stage, cách nhau bởi dấu phẩy, từ 1 đến 6 stage (ví dụ 3,4,6,3). Nhấn Enter để áp dụng.</translation>
    </message>
    <message>
        <source>&amp;Blocks</source>
        <translation>&amp;Block</translation>
    </message>
    <message>
        <source>Bottleneck (1x1, 3x3, 1x1)</source>
        <translation>Bottleneck (1x1, 3x3, 1x1)</translation>
    </message>
    <message>
        <source>Basic (3x3, 3x3)</source>
        <translation>Basic (3x3, 3x3)</translation>
    </message>
    <message>
        <source>ResNeXt&apos;s grouped convolution lives in the bottleneck block; basic blocks have no cardinality (grouping a two-layer block only makes it wider).</source>
        <translation>Grouped convolution của ResNeXt nằm trong bottleneck block; basic block không có cardinality (chia nhóm một block hai lớp chỉ làm nó rộng hơn).</translation>
    </message>
    <message>
        <source>B&amp;lock</source>
        <translation>Loại b&amp;lock</translation>
    </message>
    <message>
        <source>ImageNet: 7x7/2 conv + 3x3/2 max-pool</source>
        <translation>ImageNet: conv 7x7/2 + max-pool 3x3/2</translation>
    </message>
    <message>
        <source>CIFAR: 3x3/1 conv, no pooling</source>
        <translation>CIFAR: conv 3x3/1, không pooling</translation>
    </message>
    <message>
        <source>The first layers before stage 1. The CIFAR stem keeps the full resolution of 32x32 images (paper section 5.2).</source>
        <translation>Các lớp đầu tiên trước stage 1. Stem CIFAR giữ nguyên độ phân giải của ảnh 32x32 (mục 5.2 của bài báo).</translation>
    </message>
    <message>
        <source>&amp;Stem</source>
        <translation>S&amp;tem</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Input height = width. MACs grow with its square; parameters do not change.</source>
        <translation>Chiều cao = chiều rộng của ảnh đầu vào. MACs tăng theo bình phương của nó; số tham số không đổi.</translation>
    </message>
    <message>
        <source>&amp;Input</source>
        <translation>Đầu &amp;vào</translation>
    </message>
    <message>
        <source>Classes of the final linear layer (1000 for ImageNet, 10 for CIFAR-10).</source>
        <translation>Số lớp (class) của lớp tuyến tính cuối (1000 cho ImageNet, 10 cho CIFAR-10).</translation>
    </message>
    <message>
        <source>C&amp;lasses</source>
        <translation>Số &amp;lớp</translation>
    </message>
    <message>
        <source>(a) Aggregated residual transformations: C separate paths 1x1 -&gt; 3x3 -&gt; 1x1, summed.</source>
        <translation>(a) Aggregated residual transformations: C path riêng biệt 1x1 -&gt; 3x3 -&gt; 1x1, được cộng lại.</translation>
    </message>
    <message>
        <source>(b) Early concatenation: C paths 1x1 -&gt; 3x3, concatenated, then one 1x1.</source>
        <translation>(b) Concat sớm: C path 1x1 -&gt; 3x3, được concat, rồi một Conv1x1.</translation>
    </message>
    <message>
        <source>(c) Grouped convolution: one 3x3 conv with C groups. Same function, fastest to compute.</source>
        <translation>(c) Grouped convolution: một conv 3x3 với C nhóm. Cùng một hàm, tính nhanh nhất.</translation>
    </message>
    <message>
        <source>Block &amp;form</source>
        <translation>&amp;Dạng block</translation>
    </message>
    <message>
        <source>Split-transform-merge</source>
        <translation>Split-transform-merge</translation>
    </message>
    <message>
        <source>Cardinality C: the number of parallel transformations (groups of the 3x3 convolution). The paper finds that raising C at equal complexity beats making the network deeper or wider. The slider covers 1 to 64; type larger values (up to the core&apos;s limit) in the box.</source>
        <translation>Cardinality C: số phép biến đổi song song (số nhóm của conv 3x3). Bài báo cho thấy tăng C ở cùng độ phức tạp hiệu quả hơn làm mạng sâu hơn hay rộng hơn. Thanh trượt đi từ 1 đến 64; gõ giá trị lớn hơn (tới giới hạn của core) vào ô.</translation>
    </message>
    <message>
        <source>Cardinality &amp;C</source>
        <translation>Cardinality &amp;C</translation>
    </message>
    <message>
        <source>Bottleneck width d (the paper&apos;s notation): channels per group at base planes 64, i.e. in stage 1 of an ImageNet ResNet. A stage with P planes has w = d·P/64 channels per group. ResNet-50 is C=1, d=64; ResNeXt-50 is C=32, d=4. Only values that give whole channel counts in every stage are offered.</source>
        <translation>Bottleneck width d (ký hiệu của bài báo): số kênh mỗi nhóm khi planes cơ sở là 64, tức ở stage 1 của một ResNet ImageNet. Một stage có P planes có w = d·P/64 kênh mỗi nhóm. ResNet-50 là C=1, d=64; ResNeXt-50 là C=32, d=4. Chỉ những giá trị cho số kênh nguyên ở mọi stage mới được đưa ra.</translation>
    </message>
    <message>
        <source>Bottleneck &amp;width d</source>
        <translation>Bottleneck &amp;width d</translation>
    </message>
    <message>
        <source>&amp;Hold complexity at ResNet&apos;s</source>
        <translation>&amp;Giữ độ phức tạp bằng ResNet</translation>
    </message>
    <message>
        <source>When on, moving C sets d to the width whose complexity is closest to the plain ResNet of this depth (C=1, d=64): walk the paper&apos;s Table 2 with one slider.</source>
        <translation>Khi bật, di chuyển C sẽ đặt d thành độ rộng có độ phức tạp gần nhất với ResNet thường cùng độ sâu (C=1, d=64): đi qua Bảng 2 của bài báo chỉ với một thanh trượt.</translation>
    </message>
    <message>
        <source>by parameters</source>
        <translation>theo số tham số</translation>
    </message>
    <message>
        <source>by MACs</source>
        <translation>theo MACs</translation>
    </message>
    <message>
        <source>What &apos;equal complexity&apos; compares: parameter count (paper Table 2) or multiply-accumulates.</source>
        <translation>&apos;Cùng độ phức tạp&apos; so sánh gì: số tham số (Bảng 2 của bài báo) hay số phép nhân-cộng (MACs).</translation>
    </message>
    <message>
        <source>Count BN, ReLU, pooling and add</source>
        <translation>Tính cả BN, ReLU, pooling và phép cộng</translation>
    </message>
    <message>
        <source>Off: torchvision&apos;s/fvcore&apos;s convention, only conv and linear layers cost MACs. On: elementwise layers count too (BN and ReLU 1 per element).</source>
        <translation>Tắt: quy ước của torchvision/fvcore, chỉ lớp conv và tuyến tính tốn MACs. Bật: các lớp theo từng phần tử cũng được tính (BN và ReLU 1 cho mỗi phần tử).</translation>
    </message>
    <message>
        <source>Every 3x3 conv splits into &lt;b&gt;C = %1&lt;/b&gt; groups. Channels per group &lt;b&gt;w = d&amp;middot;planes/64&lt;/b&gt;: w = %2 in layer1&amp;hellip;layer%3 (layer1: grouped width %4 &amp;rarr; output %5).</source>
        <translation>Mỗi conv 3x3 được chia thành &lt;b&gt;C = %1&lt;/b&gt; nhóm. Số kênh mỗi nhóm &lt;b&gt;w = d&amp;middot;planes/64&lt;/b&gt;: w = %2 ở layer1&amp;hellip;layer%3 (layer1: độ rộng nhóm %4 &amp;rarr; đầu ra %5).</translation>
    </message>
    <message>
        <source>Basic blocks have no grouped convolution: C and d apply to bottleneck blocks.</source>
        <translation>Basic block không có grouped convolution: C và d chỉ áp dụng cho bottleneck block.</translation>
    </message>
    <message>
        <source>These sliders show a different model from the one that classifies images (&lt;b&gt;%1&lt;/b&gt;). &lt;a href=&quot;show&quot;&gt;Show the classifier&apos;s model here&lt;/a&gt;</source>
        <translation>Các thanh trượt này đang hiển thị một mô hình khác với mô hình đang phân loại ảnh (&lt;b&gt;%1&lt;/b&gt;). &lt;a href=&quot;show&quot;&gt;Hiển thị mô hình của bộ phân loại ở đây&lt;/a&gt;</translation>
    </message>
    <message>
        <source>ResNet-%1 (basic %2)</source>
        <translation>ResNet-%1 (basic block %2)</translation>
    </message>
    <message>
        <source>ResNet-%1 (%2)</source>
        <translation>ResNet-%1 (%2)</translation>
    </message>
    <message>
        <source>On</source>
        <translation>Bật</translation>
    </message>
    <message>
        <source>r = </source>
        <extracomment>r is the reduction ratio of the squeeze-and-excitation module</extracomment>
        <translation>r = </translation>
    </message>
    <message>
        <source>Squeeze-and-excitation (Hu et al., 2018) after each block&apos;s last BN, before the addition: global average pool, 1x1 conv down to channels/r, ReLU, 1x1 conv back, sigmoid, and the block&apos;s output scaled per channel. timm&apos;s SE-ResNeXt uses r = 16.</source>
        <translation>Squeeze-and-excitation (Hu và cộng sự, 2018) sau BN cuối của mỗi block, trước phép cộng: pooling trung bình toàn cục, conv 1x1 giảm xuống channels/r kênh, ReLU, conv 1x1 tăng trở lại, sigmoid, rồi đầu ra của block được nhân theo từng kênh. SE-ResNeXt của timm dùng r = 16.</translation>
    </message>
    <message>
        <source>Squeeze-e&amp;xcitation</source>
        <translation>Mô-đun S&amp;E</translation>
    </message>
</context>
<context>
    <name>BlockDiagram</name>
    <message>
        <source>
groups = %1</source>
        <translation>
nhóm = %1</translation>
    </message>
    <message>
        <source>The three forms compute the same function (paper Fig. 3): the grouped convolution (c) is the C paths of (a) and (b) packed into one layer. Counts are those of the repeated block of the selected stage.</source>
        <translation>Ba dạng tính cùng một hàm (Hình 3 của bài báo): grouped convolution (c) là C path của (a) và (b) gói vào một lớp. Các con số là của block lặp lại trong stage đang chọn.</translation>
    </message>
    <message>
        <source>layer%1, repeated block: %2-d in, C = %3 paths of w = %4 channels each, %5-d out</source>
        <translation>layer%1, block lặp lại: %2 chiều vào, C = %3 path, mỗi path w = %4 kênh, %5 chiều ra</translation>
    </message>
    <message>
        <source>Boxes: input channels, kernel, output channels. The stage&apos;s first block also has a 1x1 projection shortcut%1.</source>
        <translation>Các hộp: số kênh vào, kernel, số kênh ra. Block đầu tiên của stage còn có một shortcut chiếu 1x1%1.</translation>
    </message>
    <message>
        <source> and stride 2</source>
        <translation> và stride 2</translation>
    </message>
    <message>
        <source>%1-d in</source>
        <translation>%1 chiều vào</translation>
    </message>
    <message>
        <source>%1-d out</source>
        <translation>%1 chiều ra</translation>
    </message>
    <message>
        <source>Basic blocks (ResNet-18/34) have no bottleneck to split: choose bottleneck blocks to see split-transform-merge.</source>
        <translation>Basic block (ResNet-18/34) không có bottleneck để chia: chọn bottleneck block để xem split-transform-merge.</translation>
    </message>
    <message>
        <source>(a) aggregated residual transformations</source>
        <translation>(a) aggregated residual transformations</translation>
    </message>
    <message>
        <source>(b) early concatenation</source>
        <translation>(b) concat sớm</translation>
    </message>
    <message>
        <source>(c) grouped convolution</source>
        <translation>(c) grouped convolution</translation>
    </message>
    <message>
        <source>one path</source>
        <translation>một path</translation>
    </message>
    <message>
        <source>concatenate: %1</source>
        <translation>concat: %1</translation>
    </message>
    <message>
        <source>[built]</source>
        <translation>[đã xây dựng]</translation>
    </message>
    <message numerus="yes">
        <source>...
%n more
paths
...</source>
        <translation>
            <numerusform>...
thêm %n
path
...</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>sum of %n paths</source>
        <translation>
            <numerusform>tổng của %n path</numerusform>
        </translation>
    </message>
    <message>
        <source>global average pool</source>
        <translation>pooling trung bình toàn cục</translation>
    </message>
    <message>
        <source>1x1, %1 → %2</source>
        <extracomment>a 1x1 convolution of the squeeze-and-excitation unit: %1 input, %2 output channels</extracomment>
        <translation>1x1, %1 → %2</translation>
    </message>
    <message>
        <source>ReLU</source>
        <translation>ReLU</translation>
    </message>
    <message>
        <source>sigmoid</source>
        <translation>sigmoid</translation>
    </message>
    <message>
        <source>SE, r = %1</source>
        <translation>SE, r = %1</translation>
    </message>
</context>
<context>
    <name>ChartsPanel</name>
    <message>
        <source>Parameters per stage</source>
        <translation>Số tham số mỗi stage</translation>
    </message>
    <message>
        <source>parameters (millions)</source>
        <translation>số tham số (triệu)</translation>
    </message>
    <message>
        <source>MACs per stage</source>
        <translation>MACs mỗi stage</translation>
    </message>
    <message>
        <source>MACs (billions)</source>
        <translation>MACs (tỷ)</translation>
    </message>
    <message>
        <source>pinned: %1</source>
        <translation>đã ghim: %1</translation>
    </message>
    <message>
        <source>cardinality C (log scale)</source>
        <translation>cardinality C (thang log)</translation>
    </message>
    <message>
        <source>params at current d</source>
        <translation>số tham số với d hiện tại</translation>
    </message>
    <message>
        <source>MACs at current d (right axis)</source>
        <translation>MACs với d hiện tại (trục phải)</translation>
    </message>
    <message>
        <source>params at equal complexity d*(C)</source>
        <translation>số tham số ở cùng độ phức tạp d*(C)</translation>
    </message>
    <message>
        <source>ResNet (C=1, d=64) params</source>
        <translation>số tham số của ResNet (C=1, d=64)</translation>
    </message>
    <message>
        <source>current model</source>
        <translation>mô hình hiện tại</translation>
    </message>
    <message>
        <source>params at equal complexity d*(C), by params</source>
        <translation>số tham số ở cùng độ phức tạp d*(C), theo số tham số</translation>
    </message>
    <message>
        <source>params at equal complexity d*(C), by MACs</source>
        <translation>số tham số ở cùng độ phức tạp d*(C), theo MACs</translation>
    </message>
    <message>
        <source>&lt;b&gt;C = %1, d = %2&lt;/b&gt;&lt;br&gt;params %3&lt;br&gt;MACs %4</source>
        <translation>&lt;b&gt;C = %1, d = %2&lt;/b&gt;&lt;br&gt;tham số %3&lt;br&gt;MACs %4</translation>
    </message>
    <message>
        <source>&lt;br&gt;&lt;br&gt;&lt;b&gt;Equal complexity (by %1): d* = %2&lt;/b&gt;&lt;br&gt;params %3&lt;br&gt;MACs %4</source>
        <translation>&lt;br&gt;&lt;br&gt;&lt;b&gt;Cùng độ phức tạp (theo %1): d* = %2&lt;/b&gt;&lt;br&gt;tham số %3&lt;br&gt;MACs %4</translation>
    </message>
    <message>
        <source>&lt;br&gt;&lt;br&gt;ResNet: params %1, MACs %2</source>
        <translation>&lt;br&gt;&lt;br&gt;ResNet: tham số %1, MACs %2</translation>
    </message>
    <message>
        <source>parameters</source>
        <translation>số tham số</translation>
    </message>
    <message>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <source>Complexity against cardinality C</source>
        <translation>Độ phức tạp theo cardinality C</translation>
    </message>
    <message>
        <source>Hover over the curves for the values at each C.</source>
        <translation>Di chuột lên các đường cong để xem giá trị tại mỗi C.</translation>
    </message>
</context>
<context>
    <name>ClassifyPanel</name>
    <message>
        <source>Loading the engine...</source>
        <translation>Đang nạp engine...</translation>
    </message>
    <message>
        <source>Show this model in the explorer</source>
        <translation>Hiển thị mô hình này trong explorer</translation>
    </message>
    <message>
        <source>The architecture sliders show another model: set them to the one that classifies.</source>
        <translation>Các thanh trượt kiến trúc đang hiển thị một mô hình khác: đặt chúng về mô hình đang phân loại.</translation>
    </message>
    <message>
        <source>Open image...</source>
        <translation>Mở ảnh...</translation>
    </message>
    <message>
        <source>Or drop image files on the window, or paste an image (Ctrl+V).</source>
        <translation>Hoặc thả tệp ảnh vào cửa sổ, hoặc dán một ảnh (Ctrl+V).</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Stop the running computation.</source>
        <translation>Dừng phép tính đang chạy.</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Where the network runs. CUDA appears when this LibTorch has it and a GPU is visible.</source>
        <translation>Nơi mạng chạy. CUDA xuất hiện khi bản LibTorch này có CUDA và thấy được GPU.</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Thiết bị:</translation>
    </message>
    <message>
        <source>Plain</source>
        <translation>Thường</translation>
    </message>
    <message>
        <source>How the CPU runs the network for images and feature maps.
Fast: oneDNN with BatchNorm folded into the convolutions, prepacked weights and fused ReLU / residual sum (equal to Plain to 1e-4).
Fast BF16: the same in bfloat16, faster, with its own rounding; its top-1 agreement with FP32 on the sample images is shown when you choose it.
Plain: LibTorch&apos;s modules one op at a time. Grad-CAM always uses the plain modules.</source>
        <translation>Cách CPU chạy mạng cho ảnh và feature map.
Nhanh: oneDNN với BatchNorm gộp vào các convolution, trọng số đóng gói sẵn, ReLU / tổng residual được hợp nhất (bằng Thường tới 1e-4).
Nhanh BF16: như trên nhưng ở bfloat16, nhanh hơn, có cách làm tròn riêng; mức khớp top-1 của nó với FP32 trên các ảnh mẫu được hiển thị khi bạn chọn.
Thường: các module của LibTorch, từng phép một. Grad-CAM luôn dùng các module thường.</translation>
    </message>
    <message>
        <source>Inference:</source>
        <translation>Suy luận:</translation>
    </message>
    <message>
        <source>Load anyway (only the matching tensors)</source>
        <translation>Vẫn nạp (chỉ các tensor khớp)</translation>
    </message>
    <message>
        <source>Load what matches and leave the rest at initial values (the command line&apos;s --allow-partial). The results will not be the file&apos;s model.</source>
        <translation>Nạp phần khớp và để phần còn lại ở giá trị khởi tạo (--allow-partial của dòng lệnh). Kết quả sẽ không phải là mô hình của tệp.</translation>
    </message>
    <message>
        <source>Images opened together: click one to classify it.</source>
        <translation>Các ảnh được mở cùng nhau: nhấn vào một ảnh để phân loại nó.</translation>
    </message>
    <message>
        <source>The built-in model knows only 10 kinds of clothing as 28x28 grey images (Fashion-MNIST); for photos, File -&gt; Open weights lists the ImageNet weights torchvision/timm left here.</source>
        <translation>Mô hình có sẵn chỉ biết 10 loại quần áo ở dạng ảnh xám 28x28 (Fashion-MNIST); với ảnh chụp, Tệp -&gt; Mở trọng số liệt kê các trọng số ImageNet mà torchvision/timm để lại ở đây.</translation>
    </message>
    <message>
        <source>Grad-CAM overlay for the top class</source>
        <translation>Lớp phủ Grad-CAM cho lớp đứng đầu</translation>
    </message>
    <message>
        <source>Gradient-weighted class activation map on the output of the selected block&apos;s stage: where that stage&apos;s features pushed the score of the top class up.</source>
        <translation>Bản đồ kích hoạt lớp có trọng số gradient trên đầu ra của stage chứa block đang chọn: nơi đặc trưng của stage đó đẩy điểm của lớp đứng đầu lên.</translation>
    </message>
    <message>
        <source>Block:</source>
        <translation>Block:</translation>
    </message>
    <message>
        <source>Which residual block&apos;s split-transform-merge to look inside.</source>
        <translation>Xem bên trong split-transform-merge của residual block nào.</translation>
    </message>
    <message>
        <source>Colours:</source>
        <translation>Màu:</translation>
    </message>
    <message>
        <source>viridis</source>
        <translation>viridis</translation>
    </message>
    <message>
        <source>magma</source>
        <translation>magma</translation>
    </message>
    <message>
        <source>gray</source>
        <extracomment>colour map name (grey scale)</extracomment>
        <translation>xám</translation>
    </message>
    <message>
        <source>Normalise per:</source>
        <translation>Chuẩn hóa theo:</translation>
    </message>
    <message>
        <source>channel</source>
        <extracomment>normalise each channel map to its own range</extracomment>
        <translation>kênh</translation>
    </message>
    <message>
        <source>group</source>
        <extracomment>normalise each group tile to one range</extracomment>
        <translation>nhóm</translation>
    </message>
    <message>
        <source>layer</source>
        <extracomment>normalise all tiles of the layer to one range</extracomment>
        <translation>lớp</translation>
    </message>
    <message>
        <source>channel: each map to its own range; group: one range per tile, so maps of a group compare; layer: one range for all, so groups compare.</source>
        <translation>kênh: mỗi map theo khoảng giá trị riêng; nhóm: một khoảng cho mỗi ô, để so các map trong một nhóm; lớp: một khoảng cho tất cả, để so các nhóm với nhau.</translation>
    </message>
    <message>
        <source>Click a group</source>
        <translation>Nhấn vào một nhóm</translation>
    </message>
    <message>
        <source>energy</source>
        <translation>năng lượng</translation>
    </message>
    <message>
        <source>Mean squared activation of each group&apos;s maps: which paths respond to this image.</source>
        <translation>Bình phương kích hoạt trung bình của các map mỗi nhóm: những path nào phản ứng với ảnh này.</translation>
    </message>
    <message>
        <source>The new model could not classify %1: %2</source>
        <translation>Mô hình mới không phân loại được %1: %2</translation>
    </message>
    <message>
        <source>Export feature maps</source>
        <translation>Xuất feature map</translation>
    </message>
    <message>
        <source>CUDA: %1</source>
        <translation>CUDA: %1</translation>
    </message>
    <message>
        <source>Fast (oneDNN)</source>
        <translation>Nhanh (oneDNN)</translation>
    </message>
    <message>
        <source>Fast BF16</source>
        <translation>Nhanh BF16</translation>
    </message>
    <message>
        <source>&lt;b&gt;Classifying with:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Đang phân loại bằng:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Preprocessing: %1</source>
        <translation>Tiền xử lý: %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: re-running on the new model...</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;: đang chạy lại trên mô hình mới...</translation>
    </message>
    <message>
        <source>(the previous model&apos;s result until the new one arrives)</source>
        <translation>(kết quả của mô hình trước cho tới khi có kết quả mới)</translation>
    </message>
    <message>
        <source>Fashion-MNIST test image %1</source>
        <translation>Ảnh kiểm tra Fashion-MNIST %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2 (%3)%4</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;: %2 (%3)%4</translation>
    </message>
    <message>
        <source> &amp;mdash; the outputs are NaN or infinite: the weights contain non-finite values</source>
        <translation> &amp;mdash; đầu ra là NaN hoặc vô cực: trọng số chứa giá trị không hữu hạn</translation>
    </message>
    <message>
        <source>This image is unlike the model&apos;s training data (distance %1, threshold %2): the classes below are only the nearest of what the model knows.</source>
        <translation>Ảnh này không giống dữ liệu huấn luyện của mô hình (khoảng cách %1, ngưỡng %2): các lớp bên dưới chỉ là những gì gần nhất mà mô hình biết.</translation>
    </message>
    <message>
        <source>Like the model&apos;s training data (distance %1, threshold %2).</source>
        <translation>Giống dữ liệu huấn luyện của mô hình (khoảng cách %1, ngưỡng %2).</translation>
    </message>
    <message>
        <source>decode %1 ms + preprocess %2 ms + forward %3 ms + feature maps %4 ms on %5, %6 path</source>
        <translation>giải mã %1 ms + tiền xử lý %2 ms + lan truyền xuôi %3 ms + feature map %4 ms trên %5, đường %6</translation>
    </message>
    <message>
        <source>(a): each tile is the output of one of the C separate paths</source>
        <translation>(a): mỗi ô là đầu ra của một trong C path riêng biệt</translation>
    </message>
    <message>
        <source>(b): each tile is one path before the concatenation</source>
        <translation>(b): mỗi ô là một path trước phép concat</translation>
    </message>
    <message>
        <source>(c): each tile is one group of the grouped 3x3 convolution</source>
        <translation>(c): mỗi ô là một nhóm của grouped convolution 3x3</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2 groups of w = %3 maps (this stage&apos;s channels per group), %4x%5, after the 3x3 conv, BN and ReLU. Form %6 &amp;mdash; the same numbers in every form: the groups &lt;i&gt;are&lt;/i&gt; the paths.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;: %2 nhóm, mỗi nhóm w = %3 map (số kênh mỗi nhóm của stage này), %4x%5, sau conv 3x3, BN và ReLU. Dạng %6 &amp;mdash; cùng các con số ở mọi dạng: các nhóm &lt;i&gt;chính là&lt;/i&gt; các path.</translation>
    </message>
    <message>
        <source>Group %1 of %2: its %3 channel maps (energy %4)</source>
        <translation>Nhóm %1 trên %2: %3 channel map của nó (năng lượng %4)</translation>
    </message>
    <message>
        <source>Nothing to export yet: classify an image first.</source>
        <translation>Chưa có gì để xuất: hãy phân loại một ảnh trước.</translation>
    </message>
    <message>
        <source>&lt;a href=&quot;ood&quot;&gt;Why?&lt;/a&gt;</source>
        <translation>&lt;a href=&quot;ood&quot;&gt;Tại sao?&lt;/a&gt;</translation>
    </message>
    <message>
        <source>Export...</source>
        <translation>Xuất...</translation>
    </message>
    <message>
        <source>The feature-map grid with group labels and a colour bar, as a 1920x1080 PNG, an SVG or a PDF (right-click the grid for other sizes).</source>
        <translation>Lưới feature map kèm nhãn nhóm và thanh màu, dạng PNG 1920x1080, SVG hoặc PDF (nhấp chuột phải vào lưới để chọn kích thước khác).</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation>Ảnh PNG (*.png);;Bản vẽ SVG (*.svg);;Tài liệu PDF (*.pdf)</translation>
    </message>
    <message>
        <source>%1, with Grad-CAM of the top class</source>
        <translation>%1, kèm Grad-CAM của lớp cao nhất</translation>
    </message>
    <message>
        <source>%1: the grouped 3x3 convolution&apos;s output, %2 groups of w = %3 maps</source>
        <translation>%1: đầu ra của grouped convolution 3x3, %2 nhóm, mỗi nhóm w = %3 map</translation>
    </message>
    <message>
        <source>Colours stretched per %1.</source>
        <translation>Màu được giãn theo %1.</translation>
    </message>
    <message>
        <source>ImageNet: shorter side %1, centre crop %2</source>
        <translation>ImageNet: cạnh ngắn %1, cắt giữa %2</translation>
    </message>
    <message>
        <source>small image: resize to %1x%1</source>
        <translation>ảnh nhỏ: đổi kích thước về %1x%1</translation>
    </message>
    <message>
        <source>%1, grey, mean %2, std %3</source>
        <translation>%1, ảnh xám, trung bình %2, độ lệch chuẩn %3</translation>
    </message>
    <message>
        <source>%1, RGB, mean %2, std %3</source>
        <translation>%1, RGB, trung bình %2, độ lệch chuẩn %3</translation>
    </message>
    <message>
        <source>plain</source>
        <translation>thường</translation>
    </message>
    <message>
        <source>fast</source>
        <translation>nhanh</translation>
    </message>
    <message>
        <source>fast-bf16</source>
        <translation>nhanh BF16</translation>
    </message>
</context>
<context>
    <name>ComplexityPanel</name>
    <message>
        <source>&lt;span style=&apos;font-weight:600&apos;&gt;%1 MiB&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;font-weight:600&apos;&gt;%1 MiB&lt;/span&gt;</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Số tham số</translation>
    </message>
    <message>
        <source>FLOPs (2 x MACs)</source>
        <translation>FLOPs (2 x MACs)</translation>
    </message>
    <message>
        <source>Activations</source>
        <translation>Activation</translation>
    </message>
    <message>
        <source>Memory access</source>
        <translation>Truy cập bộ nhớ</translation>
    </message>
    <message>
        <source>Arithmetic intensity</source>
        <translation>Cường độ số học</translation>
    </message>
    <message>
        <source>Inference memory</source>
        <translation>Bộ nhớ suy luận</translation>
    </message>
    <message>
        <source>Training memory</source>
        <translation>Bộ nhớ huấn luyện</translation>
    </message>
    <message>
        <source>Learnable weights (BN&apos;s running statistics are buffers, not parameters), as torchvision counts.</source>
        <translation>Các trọng số học được (thống kê chạy của BN là buffer, không phải tham số), đếm như torchvision.</translation>
    </message>
    <message>
        <source>Floating-point operations = 2 x MACs (one multiply and one add each).</source>
        <translation>Số phép toán dấu phẩy động = 2 x MACs (mỗi MAC là một phép nhân và một phép cộng).</translation>
    </message>
    <message>
        <source>Output elements of every convolution for one image (RegNet&apos;s activations): they predict GPU run time better than FLOPs.</source>
        <translation>Số phần tử đầu ra của mọi convolution với một ảnh (activation theo RegNet): chúng dự đoán thời gian chạy trên GPU tốt hơn FLOPs.</translation>
    </message>
    <message>
        <source>Bytes every layer reads and writes (inputs + weights + outputs, ReLU and add included), one image, FP32.</source>
        <translation>Số byte mỗi lớp đọc và ghi (đầu vào + trọng số + đầu ra, tính cả ReLU và phép cộng), một ảnh, FP32.</translation>
    </message>
    <message>
        <source>Conv/linear MACs per byte moved: grouped convolutions do few MACs per byte, so they are bound by memory bandwidth, not arithmetic (ShuffleNet V2, guideline 2).</source>
        <translation>MACs của conv/tuyến tính trên mỗi byte di chuyển: grouped convolution làm ít MACs mỗi byte, nên bị giới hạn bởi băng thông bộ nhớ chứ không phải phép tính (ShuffleNet V2, nguyên tắc 2).</translation>
    </message>
    <message>
        <source>Weights + the input + the largest set of tensors alive at once, one image, FP32.</source>
        <translation>Trọng số + đầu vào + tập tensor lớn nhất cùng tồn tại một lúc, một ảnh, FP32.</translation>
    </message>
    <message>
        <source>Weights + gradients + SGD momentum + activations saved for backward + the backward&apos;s working set, one image, FP32.</source>
        <translation>Trọng số + gradient + momentum của SGD + activation lưu cho lan truyền ngược + bộ nhớ làm việc của lan truyền ngược, một ảnh, FP32.</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; &lt;a href=&quot;why&quot;&gt;Why?&lt;/a&gt;</source>
        <extracomment>%1 = a row name; the link opens the lesson&apos;s explanation of the number</extracomment>
        <translation>&lt;b&gt;%1&lt;/b&gt; &lt;a href=&quot;why&quot;&gt;Tại sao?&lt;/a&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; against the ResNet of the same depth (C=1, d=64)</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; so với ResNet cùng độ sâu (C=1, d=64)</translation>
    </message>
    <message>
        <source>&lt;b&gt;Current&lt;/b&gt;&lt;br&gt;%1</source>
        <translation>&lt;b&gt;Hiện tại&lt;/b&gt;&lt;br&gt;%1</translation>
    </message>
    <message>
        <source>&lt;b&gt;ResNet&lt;/b&gt;&lt;br&gt;%1</source>
        <translation>&lt;b&gt;ResNet&lt;/b&gt;&lt;br&gt;%1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Difference&lt;/b&gt;</source>
        <translation>&lt;b&gt;Chênh lệch&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Pinned&lt;/b&gt;&lt;br&gt;%1</source>
        <translation>&lt;b&gt;Đã ghim&lt;/b&gt;&lt;br&gt;%1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Pinned&lt;/b&gt;&lt;br&gt;&lt;span style=&apos;color:gray&apos;&gt;none (Model &amp;rarr; Pin, Ctrl+P)&lt;/span&gt;</source>
        <translation>&lt;b&gt;Đã ghim&lt;/b&gt;&lt;br&gt;&lt;span style=&apos;color:gray&apos;&gt;chưa có (Ctrl+P)&lt;/span&gt;</translation>
    </message>
    <message>
        <source>Counting all layers: conv/linear MACs plus BN, ReLU, add, pooling (elementwise ops as MACs).</source>
        <translation>Tính mọi lớp: MACs của conv/tuyến tính cộng BN, ReLU, phép cộng, pooling (phép theo từng phần tử tính như MACs).</translation>
    </message>
    <message>
        <source>Convention of torchvision/fvcore: only conv and linear layers cost MACs; BN, ReLU, pooling and the residual add count 0. Input %1x%1.</source>
        <translation>Quy ước của torchvision/fvcore: chỉ lớp conv và tuyến tính tốn MACs; BN, ReLU, pooling và phép cộng residual tính là 0. Đầu vào %1x%1.</translation>
    </message>
    <message>
        <source>MACs = paper&apos;s &quot;FLOPs&quot;</source>
        <extracomment>The ResNeXt paper&apos;s &quot;FLOPs&quot; count multiply-adds, i.e. MACs.</extracomment>
        <translation>MACs = &quot;FLOPs&quot; của bài báo</translation>
    </message>
    <message>
        <source>Multiply-accumulates of one forward pass of one image. The ResNeXt paper&apos;s &quot;FLOPs&quot; (4.1 billion for ResNet-50, 4.2 billion for ResNeXt-50 32x4d) count these multiply-adds.</source>
        <translation>Số phép nhân-cộng của một lần lan truyền xuôi cho một ảnh. &quot;FLOPs&quot; trong bài báo ResNeXt (4,1 tỷ cho ResNet-50, 4,2 tỷ cho ResNeXt-50 32x4d) chính là số phép nhân-cộng này.</translation>
    </message>
</context>
<context>
    <name>CoreError</name>
    <message>
        <source>%1</source>
        <extracomment>Frames an error message of the core library, which stays English. In English the frame is the message alone; translations add a few words saying so.</extracomment>
        <translation>Lỗi (thông báo gốc bằng tiếng Anh): %1</translation>
    </message>
</context>
<context>
    <name>CostPanel</name>
    <message>
        <source>Batch</source>
        <translation>Batch</translation>
    </message>
    <message>
        <source>Images per forward pass of the measurement.</source>
        <translation>Số ảnh mỗi lần lan truyền xuôi khi đo.</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Số lần chạy</translation>
    </message>
    <message>
        <source>Timed forward passes (after 2 untimed ones); every figure is their median.</source>
        <translation>Số lần lan truyền xuôi được bấm giờ (sau 2 lần không bấm giờ); mọi con số là trung vị của chúng.</translation>
    </message>
    <message>
        <source>Where to measure (CUDA falls back to the CPU with a note).</source>
        <translation>Đo ở đâu (CUDA quay về CPU kèm một ghi chú).</translation>
    </message>
    <message>
        <source>&amp;Measure</source>
        <translation>Đ&amp;o</translation>
    </message>
    <message>
        <source>Forward time per stage of the current model with random weights, on the worker.</source>
        <translation>Thời gian lan truyền xuôi mỗi stage của mô hình hiện tại với trọng số ngẫu nhiên, trên worker.</translation>
    </message>
    <message>
        <source>&amp;Sweep C = 1..64</source>
        <translation>&amp;Quét C = 1..64</translation>
    </message>
    <message>
        <source>Every C = 1, 2, 4, ..., 64 with the solver&apos;s d (equal complexity); cached per spec, device, threads and batch.</source>
        <translation>Mọi C = 1, 2, 4, ..., 64 với d của bộ giải (cùng độ phức tạp); lưu đệm theo spec, thiết bị, số luồng và batch.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Measured on the worker with random weights; the machine&apos;s other load changes the times, the counts are exact.</source>
        <translation>Đo trên worker với trọng số ngẫu nhiên; tải khác của máy làm thay đổi thời gian, còn các con số đếm là chính xác.</translation>
    </message>
    <message>
        <source>Measuring C = 1, 2, 4, ..., 64 at equal complexity (points appear as they come)...</source>
        <translation>Đang đo C = 1, 2, 4, ..., 64 ở cùng độ phức tạp (các điểm hiện ra khi có)...</translation>
    </message>
    <message>
        <source>Measuring %1...</source>
        <translation>Đang đo %1...</translation>
    </message>
    <message>
        <source>%1: from the cache</source>
        <translation>%1: từ bộ đệm</translation>
    </message>
    <message>
        <source>Cost against C at equal complexity, ResNet (C = 1) = 1</source>
        <translation>Chi phí theo C ở cùng độ phức tạp, ResNet (C = 1) = 1</translation>
    </message>
    <message>
        <source>cardinality C (log scale), d from the equal-complexity solver</source>
        <translation>cardinality C (thang log), d từ bộ giải cùng độ phức tạp</translation>
    </message>
    <message>
        <source>relative to the ResNet</source>
        <translation>so với ResNet</translation>
    </message>
    <message>
        <source>parameters</source>
        <translation>số tham số</translation>
    </message>
    <message>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <source>activations</source>
        <translation>activation</translation>
    </message>
    <message>
        <source>measured forward time</source>
        <translation>thời gian lan truyền xuôi đo được</translation>
    </message>
    <message>
        <source>Measure the sweep (it includes C = 1) to normalise the measured times.</source>
        <translation>Hãy đo cả dãy quét (có C = 1) để chuẩn hóa thời gian đo được.</translation>
    </message>
    <message>
        <source>activations: %1</source>
        <translation>activation: %1</translation>
    </message>
    <message>
        <source>measured ms (%1, batch %2)</source>
        <translation>ms đo được (%1, batch %2)</translation>
    </message>
    <message>
        <source>&lt;a href=&quot;cost&quot;&gt;Why are equal MACs not equal time?&lt;/a&gt;</source>
        <translation>&lt;a href=&quot;cost&quot;&gt;Vì sao cùng MACs không cùng thời gian?&lt;/a&gt;</translation>
    </message>
    <message>
        <source>Activations (millions, one image) and measured time (ms) per stage</source>
        <translation>Activation (triệu, một ảnh) và thời gian đo được (ms) mỗi stage</translation>
    </message>
    <message>
        <source>activations (M)</source>
        <translation>activation (triệu)</translation>
    </message>
    <message>
        <source>time (ms)</source>
        <translation>thời gian (ms)</translation>
    </message>
</context>
<context>
    <name>ExperimentPanel</name>
    <message>
        <source>Experiment</source>
        <translation>Thí nghiệm</translation>
    </message>
    <message>
        <source>Cardinality at equal complexity (Table 3)</source>
        <translation>Cardinality ở cùng độ phức tạp (Bảng 3)</translation>
    </message>
    <message>
        <source>Double the complexity: deeper, wider, more C (Table 4)</source>
        <translation>Tăng gấp đôi độ phức tạp: sâu hơn, rộng hơn, C lớn hơn (Bảng 4)</translation>
    </message>
    <message>
        <source>Custom list of specs (JSON)...</source>
        <translation>Danh sách spec tùy chỉnh (JSON)...</translation>
    </message>
    <message>
        <source>&amp;Experiment</source>
        <translation>&amp;Thí nghiệm</translation>
    </message>
    <message>
        <source>Choose specs file...</source>
        <translation>Chọn tệp spec...</translation>
    </message>
    <message>
        <source>Specs</source>
        <translation>Spec</translation>
    </message>
    <message>
        <source>Blocks per stage of the built-in family (CIFAR stem, 3 stages, planes 16/32/64, 28x28 grey): 2 is the built-in model&apos;s depth.</source>
        <translation>Số block mỗi stage của họ mô hình có sẵn (stem CIFAR, 3 stage, planes 16/32/64, ảnh xám 28x28): 2 là độ sâu của mô hình có sẵn.</translation>
    </message>
    <message>
        <source>&amp;Depth</source>
        <translation>Độ &amp;sâu</translation>
    </message>
    <message>
        <source>The C&apos;s of the sweep; each gets the d the equal-complexity solver picks.</source>
        <translation>Các giá trị C của dãy quét; mỗi C nhận d mà bộ giải cùng độ phức tạp chọn.</translation>
    </message>
    <message>
        <source>&amp;C values</source>
        <translation>Các giá trị &amp;C</translation>
    </message>
    <message>
        <source>parameters</source>
        <translation>số tham số</translation>
    </message>
    <message>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <source>Equal &amp;by</source>
        <translation>Cân bằng &amp;theo</translation>
    </message>
    <message>
        <source>Seeds 0..N-1 per point; runs differ only in the seed and the spec.</source>
        <translation>Seed 0..N-1 cho mỗi điểm; các lần chạy chỉ khác nhau ở seed và spec.</translation>
    </message>
    <message>
        <source>&amp;Seeds</source>
        <translation>&amp;Seed</translation>
    </message>
    <message>
        <source>E&amp;pochs</source>
        <translation>E&amp;poch</translation>
    </message>
    <message>
        <source>&amp;Batch</source>
        <translation>&amp;Batch</translation>
    </message>
    <message>
        <source>all</source>
        <translation>tất cả</translation>
    </message>
    <message>
        <source>Train on the first N training images of the fixed split (0 = all); validation then uses N/2 images, balanced per class.</source>
        <translation>Huấn luyện trên N ảnh huấn luyện đầu tiên của phần chia cố định (0 = tất cả); khi đó tập validation dùng N/2 ảnh, cân bằng theo lớp.</translation>
    </message>
    <message>
        <source>Training &amp;images</source>
        <translation>Ảnh &amp;huấn luyện</translation>
    </message>
    <message>
        <source>Test on the first N/10 test images of each class (0 = all 10,000).</source>
        <translation>Kiểm tra trên N/10 ảnh kiểm tra đầu tiên của mỗi lớp (0 = cả 10.000 ảnh).</translation>
    </message>
    <message>
        <source>&amp;Test images</source>
        <translation>Ảnh &amp;kiểm tra</translation>
    </message>
    <message>
        <source>(not stored)</source>
        <translation>(không lưu)</translation>
    </message>
    <message>
        <source>Folder for one JSON per finished run and the summary: a restarted experiment with the same settings skips the runs already there.</source>
        <translation>Thư mục cho một tệp JSON mỗi lần chạy xong và bản tóm tắt: chạy lại thí nghiệm với cùng thiết lập sẽ bỏ qua những lần chạy đã có.</translation>
    </message>
    <message>
        <source>...</source>
        <translation>...</translation>
    </message>
    <message>
        <source>&amp;Results folder</source>
        <translation>Thư mục &amp;kết quả</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Chạy</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Export PNG...</source>
        <translation>Xuất PNG...</translation>
    </message>
    <message>
        <source>Export CSV...</source>
        <translation>Xuất CSV...</translation>
    </message>
    <message>
        <source>Data: Fashion-MNIST, validation split fixed with seed 0; test accuracy is reported, never used to select a run.</source>
        <translation>Dữ liệu: Fashion-MNIST, phần chia validation cố định với seed 0; độ chính xác kiểm tra được báo cáo, không bao giờ dùng để chọn lần chạy.</translation>
    </message>
    <message>
        <source>Point</source>
        <translation>Điểm</translation>
    </message>
    <message>
        <source>C</source>
        <translation>C</translation>
    </message>
    <message>
        <source>d</source>
        <translation>d</translation>
    </message>
    <message>
        <source>Params</source>
        <translation>Tham số</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Số lần chạy</translation>
    </message>
    <message>
        <source>Mean %</source>
        <translation>Trung bình %</translation>
    </message>
    <message>
        <source>Std</source>
        <translation>Độ lệch chuẩn</translation>
    </message>
    <message>
        <source>Min</source>
        <translation>Nhỏ nhất</translation>
    </message>
    <message>
        <source>Max</source>
        <translation>Lớn nhất</translation>
    </message>
    <message>
        <source>Δ vs reference</source>
        <translation>Δ so với mốc</translation>
    </message>
    <message>
        <source>95% interval (paired)</source>
        <translation>Khoảng 95% (ghép cặp)</translation>
    </message>
    <message>
        <source>Specs file</source>
        <translation>Tệp spec</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <source>Results folder</source>
        <translation>Thư mục kết quả</translation>
    </message>
    <message>
        <source>Export plot</source>
        <translation>Xuất biểu đồ</translation>
    </message>
    <message>
        <source>PNG (*.png)</source>
        <translation>PNG (*.png)</translation>
    </message>
    <message>
        <source>Export table</source>
        <translation>Xuất bảng</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Done: %1 runs in %2 s.</source>
        <translation>Xong: %1 lần chạy trong %2 giây.</translation>
    </message>
    <message>
        <source>Loading the data...</source>
        <translation>Đang nạp dữ liệu...</translation>
    </message>
    <message>
        <source>Run %1 of %2 (%3 done), seed %4</source>
        <translation>Lần chạy %1 trên %2 (%3 đã xong), seed %4</translation>
    </message>
    <message>
        <source>, testing</source>
        <translation>, đang kiểm tra</translation>
    </message>
    <message>
        <source>, epoch %1/%2, step %3/%4, loss %5</source>
        <translation>, epoch %1/%2, bước %3/%4, loss %5</translation>
    </message>
    <message>
        <source>reference</source>
        <translation>mốc</translation>
    </message>
    <message>
        <source>%1: cannot be written</source>
        <translation>%1: không ghi được</translation>
    </message>
    <message>
        <source>Accuracy, params and MACs appear here
once a sweep has run.</source>
        <translation>Độ chính xác, số tham số và MACs
sẽ hiện ở đây sau khi
chạy một lượt quét.</translation>
    </message>
</context>
<context>
    <name>FeatureGridView</name>
    <message>
        <source>The grouped 3x3 convolution&apos;s output: one tile per group (path), each holding that group&apos;s w channel maps. Click a tile to see its maps large.</source>
        <translation>Đầu ra của grouped convolution 3x3: mỗi nhóm (path) một ô, mỗi ô chứa w channel map của nhóm đó. Nhấn vào một ô để xem các map của nó ở cỡ lớn.</translation>
    </message>
    <message>
        <source>Classify an image to see the per-group maps.</source>
        <translation>Phân loại một ảnh để xem các map theo từng nhóm.</translation>
    </message>
    <message>
        <source>high</source>
        <translation>cao</translation>
    </message>
    <message>
        <source>low</source>
        <translation>thấp</translation>
    </message>
</context>
<context>
    <name>Figure</name>
    <message>
        <source>Export figure (PNG, SVG or PDF)...</source>
        <translation>Xuất hình (PNG, SVG hoặc PDF)...</translation>
    </message>
    <message>
        <source>%1: unsupported figure format &apos;.%2&apos;; use .png, .svg or .pdf</source>
        <translation>%1: định dạng hình &apos;.%2&apos; không được hỗ trợ; hãy dùng .png, .svg hoặc .pdf</translation>
    </message>
    <message>
        <source>%1: the figure could not be drawn</source>
        <translation>%1: không vẽ được hình</translation>
    </message>
    <message>
        <source>Export figure</source>
        <translation>Xuất hình</translation>
    </message>
    <message>
        <source>Pixels of the PNG (points of the SVG or PDF): a preset or any WxH, whatever the window&apos;s size.</source>
        <translation>Số điểm ảnh của PNG (số điểm của SVG hoặc PDF): một kích thước có sẵn hoặc bất kỳ WxH nào, không phụ thuộc kích thước cửa sổ.</translation>
    </message>
    <message>
        <source>&amp;Size (W x H):</source>
        <translation>&amp;Kích thước (W x H):</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a size: write it as WxH, e.g. 1920x1080.</source>
        <translation>&apos;%1&apos; không phải là kích thước: hãy viết dạng WxH, ví dụ 1920x1080.</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation>Ảnh PNG (*.png);;Bản vẽ SVG (*.svg);;Tài liệu PDF (*.pdf)</translation>
    </message>
</context>
<context>
    <name>GroupsPanel</name>
    <message>
        <source>Do the groups specialise? The seed claim of split-transform-merge is that each of the C paths learns its own features. Run the loaded model over a data set and compare its groups with those of the same network untrained: energy per class, the images each group likes best, how alike the groups are (linear CKA) and what each contributes (ablation).</source>
        <translation>Các nhóm có chuyên môn hóa không? Ý tưởng gốc của split-transform-merge là mỗi path trong C path học đặc trưng riêng của nó. Chạy mô hình đã nạp trên một tập dữ liệu và so các nhóm của nó với các nhóm của cùng mạng đó khi chưa huấn luyện: năng lượng theo lớp, những ảnh mỗi nhóm thích nhất, các nhóm giống nhau đến đâu (linear CKA) và mỗi nhóm đóng góp gì (ablation).</translation>
    </message>
    <message>
        <source>Data:</source>
        <translation>Dữ liệu:</translation>
    </message>
    <message>
        <source>Fashion-MNIST test set</source>
        <translation>Tập kiểm tra Fashion-MNIST</translation>
    </message>
    <message>
        <source>Image folder...</source>
        <translation>Thư mục ảnh...</translation>
    </message>
    <message>
        <source>Images dropped so far (0)</source>
        <translation>Các ảnh đã thả (0)</translation>
    </message>
    <message>
        <source>The images to run: Fashion-MNIST&apos;s 10,000 test images; a folder root/&lt;class&gt;/*.png (or a folder of images with no class folders); or the images dropped or opened so far. Images without labels are labelled with the trained model&apos;s predictions, and accuracy then means agreement with them.</source>
        <translation>Các ảnh để chạy: 10.000 ảnh kiểm tra của Fashion-MNIST; một thư mục root/&lt;lớp&gt;/*.png (hoặc một thư mục ảnh không có thư mục lớp); hoặc các ảnh đã thả hay đã mở. Ảnh không có nhãn được gán nhãn bằng dự đoán của mô hình đã huấn luyện, và khi đó độ chính xác nghĩa là mức khớp với các dự đoán đó.</translation>
    </message>
    <message>
        <source>Block:</source>
        <translation>Block:</translation>
    </message>
    <message>
        <source>Images:</source>
        <translation>Ảnh:</translation>
    </message>
    <message>
        <source>all</source>
        <translation>tất cả</translation>
    </message>
    <message>
        <source>Use only the first N images (all: the whole set)</source>
        <translation>Chỉ dùng N ảnh đầu tiên (tất cả: cả tập)</translation>
    </message>
    <message>
        <source>Top:</source>
        <translation>Top:</translation>
    </message>
    <message>
        <source>Images per group in the top strips</source>
        <translation>Số ảnh mỗi nhóm trong dải ảnh top</translation>
    </message>
    <message>
        <source>Untrained too</source>
        <translation>Cả khi chưa huấn luyện</translation>
    </message>
    <message>
        <source>Also analyse the randomly initialised network of the same spec (seed 0), so that structure is not mistaken for what training created</source>
        <translation>Phân tích thêm mạng khởi tạo ngẫu nhiên cùng spec (seed 0), để không nhầm cấu trúc sẵn có với những gì huấn luyện tạo ra</translation>
    </message>
    <message>
        <source>Keep-one ablation</source>
        <translation>Ablation giữ-một</translation>
    </message>
    <message>
        <source>Besides zeroing each group, also zero all groups but one (twice the ablation time)</source>
        <translation>Ngoài việc đặt từng nhóm về 0, còn đặt mọi nhóm trừ một về 0 (gấp đôi thời gian ablation)</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Chạy</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Nothing analysed yet: choose a block and press Run.</source>
        <translation>Chưa phân tích gì: chọn một block và nhấn Chạy.</translation>
    </message>
    <message>
        <source>Sort groups by selectivity</source>
        <translation>Sắp xếp nhóm theo độ chọn lọc</translation>
    </message>
    <message>
        <source>Order the heat-map rows and strips by the class-selectivity index (mu_max - mu_rest) / (mu_max + mu_rest), most selective first</source>
        <translation>Sắp xếp các hàng của heat map và dải ảnh theo chỉ số chọn lọc lớp (mu_max - mu_rest) / (mu_max + mu_rest), chọn lọc nhất lên đầu</translation>
    </message>
    <message>
        <source>&lt;b&gt;Trained&lt;/b&gt;</source>
        <translation>&lt;b&gt;Đã huấn luyện&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Untrained&lt;/b&gt; (random init)</source>
        <translation>&lt;b&gt;Chưa huấn luyện&lt;/b&gt; (khởi tạo ngẫu nhiên)</translation>
    </message>
    <message>
        <source>%1 image %2</source>
        <translation>%1 ảnh %2</translation>
    </message>
    <message>
        <source>Image folder (one sub-folder per class, or unlabelled images)</source>
        <translation>Thư mục ảnh (mỗi lớp một thư mục con, hoặc ảnh không nhãn)</translation>
    </message>
    <message>
        <source>Folder: %1</source>
        <translation>Thư mục: %1</translation>
    </message>
    <message>
        <source>Images dropped so far (%1)</source>
        <translation>Các ảnh đã thả (%1)</translation>
    </message>
    <message>
        <source>groups: no model is loaded yet</source>
        <translation>nhóm: chưa nạp mô hình nào</translation>
    </message>
    <message>
        <source>data: choose an image folder first</source>
        <translation>dữ liệu: hãy chọn một thư mục ảnh trước</translation>
    </message>
    <message>
        <source>data: no images dropped yet; drop or open images in the Classify tab first</source>
        <translation>dữ liệu: chưa thả ảnh nào; hãy thả hoặc mở ảnh ở thẻ Phân loại trước</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; over %2 images of %3: trained accuracy %4%, mean off-diagonal CKA %5</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; trên %2 ảnh của %3: độ chính xác sau huấn luyện %4%, CKA trung bình ngoài đường chéo %5</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; over %2 images of %3 (no labels: the classes are the trained model&apos;s predictions), mean off-diagonal CKA %4</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; trên %2 ảnh của %3 (không có nhãn: các lớp là dự đoán của mô hình đã huấn luyện), CKA trung bình ngoài đường chéo %4</translation>
    </message>
    <message>
        <source>; untrained %1 %2%, CKA %3</source>
        <translation>; chưa huấn luyện %1 %2%, CKA %3</translation>
    </message>
    <message>
        <source>agrees with them on</source>
        <translation>khớp với chúng trên</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>độ chính xác</translation>
    </message>
    <message>
        <source> (%1 s)</source>
        <translation> (%1 giây)</translation>
    </message>
    <message>
        <source>trained</source>
        <translation>đã huấn luyện</translation>
    </message>
    <message>
        <source>untrained</source>
        <translation>chưa huấn luyện</translation>
    </message>
    <message>
        <source>Mean energy per predicted class (%1)</source>
        <translation>Năng lượng trung bình theo lớp dự đoán (%1)</translation>
    </message>
    <message>
        <source>Mean energy per class (%1)</source>
        <translation>Năng lượng trung bình theo lớp (%1)</translation>
    </message>
    <message>
        <source>Linear CKA (%1)</source>
        <translation>Linear CKA (%1)</translation>
    </message>
    <message>
        <source>Ablation (%1)</source>
        <translation>Ablation (%1)</translation>
    </message>
    <message>
        <source>&lt;a href=&quot;groups&quot;&gt;How to read these figures&lt;/a&gt;</source>
        <translation>&lt;a href=&quot;groups&quot;&gt;Cách đọc các biểu đồ này&lt;/a&gt;</translation>
    </message>
    <message>
        <source>Analysis cancelled: choose a block and press Run.</source>
        <translation>Đã huỷ phân tích: chọn một block và nhấn Chạy.</translation>
    </message>
    <message>
        <source>Nothing analysed: the analysis failed (see above).</source>
        <translation>Chưa phân tích được gì: phân tích thất bại (xem ở trên).</translation>
    </message>
    <message>
        <source>The classifier&apos;s model is now %1: press Run to analyse its groups.</source>
        <translation>Mô hình phân loại giờ là %1: nhấn Chạy để phân tích các nhóm của nó.</translation>
    </message>
    <message>
        <source>Analysing %1 of %2...</source>
        <translation>Đang phân tích %1 của %2...</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <extracomment>%1 = the model analysed, %2 = the summary of its analysis</extracomment>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Analysing %1 of %2... (the figures below are still the previous run&apos;s)</source>
        <translation>Đang phân tích %1 của %2... (các hình bên dưới vẫn là của lần chạy trước)</translation>
    </message>
</context>
<context>
    <name>GroupsView</name>
    <message>
        <source>mean energy</source>
        <translation>năng lượng trung bình</translation>
    </message>
    <message>
        <source>g%1  SI %2</source>
        <extracomment>g = group number, SI = class-selectivity index</extracomment>
        <translation>g%1  SI %2</translation>
    </message>
    <message>
        <source>group (class-selectivity index)</source>
        <translation>nhóm (chỉ số chọn lọc lớp)</translation>
    </message>
    <message>
        <source>linear CKA</source>
        <translation>linear CKA</translation>
    </message>
    <message>
        <source>%1: mean off-diagonal %2</source>
        <extracomment>%1 = the chart title, %2 = the mean CKA between different groups</extracomment>
        <translation>%1: trung bình ngoài đường chéo %2</translation>
    </message>
    <message>
        <source>group zeroed</source>
        <translation>nhóm bị đặt về 0</translation>
    </message>
    <message>
        <source>only this group kept</source>
        <translation>chỉ giữ nhóm này</translation>
    </message>
    <message>
        <source>group</source>
        <translation>nhóm</translation>
    </message>
    <message>
        <source>agreement change (points)</source>
        <translation>thay đổi mức khớp (điểm)</translation>
    </message>
    <message>
        <source>accuracy change (points)</source>
        <translation>thay đổi độ chính xác (điểm)</translation>
    </message>
    <message>
        <source>%1: base agreement %2%</source>
        <extracomment>%1 = the chart title, %2 = the accuracy without ablation in percent</extracomment>
        <translation>%1: mức khớp gốc %2%</translation>
    </message>
    <message>
        <source>%1: base accuracy %2%</source>
        <translation>%1: độ chính xác gốc %2%</translation>
    </message>
    <message>
        <source>g%1  SI %2
%3</source>
        <translation>g%1  SI %2
%3</translation>
    </message>
</context>
<context>
    <name>ImageFigureLabel</name>
    <message>
        <source>No image classified yet.</source>
        <translation>Chưa phân loại ảnh nào.</translation>
    </message>
</context>
<context>
    <name>LayerModel</name>
    <message>
        <source>Layer</source>
        <translation>Lớp</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Loại</translation>
    </message>
    <message>
        <source>Output (C x H x W)</source>
        <translation>Đầu ra (C x H x W)</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>Nhóm</translation>
    </message>
    <message>
        <source>Params</source>
        <translation>Tham số</translation>
    </message>
    <message>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <source>Activations</source>
        <translation>Activation</translation>
    </message>
    <message>
        <source>Bytes moved</source>
        <translation>Byte di chuyển</translation>
    </message>
    <message>
        <source>MACs/byte</source>
        <translation>MACs/byte</translation>
    </message>
    <message>
        <source>Share of MACs</source>
        <translation>Tỷ lệ MACs</translation>
    </message>
</context>
<context>
    <name>LayerTable</name>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Sao chép</translation>
    </message>
    <message>
        <source>Copy the selected rows (or all) as tab-separated text (Ctrl+C in the table).</source>
        <translation>Sao chép các hàng đang chọn (hoặc tất cả) thành văn bản cách nhau bởi tab (Ctrl+C trong bảng).</translation>
    </message>
    <message>
        <source>&amp;Export CSV/Markdown...</source>
        <translation>&amp;Xuất CSV/Markdown...</translation>
    </message>
    <message>
        <source>Export layer table</source>
        <translation>Xuất bảng lớp</translation>
    </message>
    <message>
        <source>CSV (*.csv);;Markdown (*.md)</source>
        <translation>CSV (*.csv);;Markdown (*.md)</translation>
    </message>
    <message>
        <source>&lt;b&gt;Total&lt;/b&gt;: %1 layers listed, &lt;b&gt;%2&lt;/b&gt; parameters, &lt;b&gt;%3&lt;/b&gt; MACs (%4 FLOPs), &lt;b&gt;%5&lt;/b&gt; activations, &lt;b&gt;%6&lt;/b&gt; bytes moved (every layer, ReLU and add included; batch %7, %8 bytes per element)</source>
        <translation>&lt;b&gt;Tổng&lt;/b&gt;: %1 lớp được liệt kê, &lt;b&gt;%2&lt;/b&gt; tham số, &lt;b&gt;%3&lt;/b&gt; MACs (%4 FLOPs), &lt;b&gt;%5&lt;/b&gt; activation, &lt;b&gt;%6&lt;/b&gt; byte di chuyển (mọi lớp, tính cả ReLU và phép cộng; batch %7, %8 byte mỗi phần tử)</translation>
    </message>
    <message>
        <source>%1: unknown table format &apos;.%2&apos;; use .csv or .md</source>
        <translation>%1: định dạng bảng &apos;.%2&apos; không rõ; hãy dùng .csv hoặc .md</translation>
    </message>
    <message>
        <source>&lt;a href=&quot;layers&quot;&gt;Why these numbers?&lt;/a&gt;</source>
        <translation>&lt;a href=&quot;layers&quot;&gt;Vì sao có những con số này?&lt;/a&gt;</translation>
    </message>
    <message>
        <source>The formula of each column, with the current model&apos;s values, in the lesson.</source>
        <translation>Công thức của từng cột, với các giá trị của mô hình hiện tại, trong bài học.</translation>
    </message>
</context>
<context>
    <name>LessonPanel</name>
    <message>
        <source>%1. %2</source>
        <extracomment>a lesson step in the list: its number and title</extracomment>
        <translation>%1. %2</translation>
    </message>
    <message>
        <source>Show me</source>
        <translation>Cho tôi xem</translation>
    </message>
    <message>
        <source>Set the window (model, block form, tab, stage, image) to what this step talks about.</source>
        <translation>Đặt cửa sổ (mô hình, dạng block, thẻ, stage, ảnh) về đúng điều mà bước này nói tới.</translation>
    </message>
    <message>
        <source>Compute the difference</source>
        <translation>Tính độ chênh lệch</translation>
    </message>
    <message>
        <source>Run the loaded model in forms (a), (b) and (c) on the current image and report the largest difference of their outputs (on the worker thread).</source>
        <translation>Chạy mô hình đã nạp ở các dạng (a), (b) và (c) trên ảnh hiện tại và báo độ chênh lệch lớn nhất giữa các đầu ra (trên luồng worker).</translation>
    </message>
    <message>
        <source>Computing forms (a), (b) and (c) on the current image...</source>
        <translation>Đang tính các dạng (a), (b) và (c) trên ảnh hiện tại...</translation>
    </message>
    <message>
        <source>This formula is about bottleneck blocks; the current model has basic blocks.</source>
        <translation>Công thức này nói về bottleneck block; mô hình hiện tại dùng basic block.</translation>
    </message>
    <message>
        <source>the number the window shows</source>
        <translation>đúng con số cửa sổ đang hiển thị</translation>
    </message>
    <message>
        <source>Why?</source>
        <translation>Tại sao?</translation>
    </message>
    <message>
        <source>&lt;b&gt;Exercise %1.&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;Bài tập %1.&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source>Your answer (a whole number)</source>
        <translation>Câu trả lời của bạn (một số nguyên)</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Kiểm tra</translation>
    </message>
    <message>
        <source>Hint</source>
        <translation>Gợi ý</translation>
    </message>
    <message>
        <source>Show the answer</source>
        <translation>Xem đáp án</translation>
    </message>
    <message>
        <source>Right.</source>
        <translation>Đúng rồi.</translation>
    </message>
    <message>
        <source>Not yet: try again, or ask for a hint.</source>
        <translation>Chưa đúng: thử lại, hoặc xem gợi ý.</translation>
    </message>
    <message>
        <source>Previous step</source>
        <translation>Bước trước</translation>
    </message>
    <message>
        <source>Next step</source>
        <translation>Bước tiếp theo</translation>
    </message>
    <message>
        <source>but the window shows %1</source>
        <translation>nhưng cửa sổ hiển thị %1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;Block diagram</source>
        <translation>&amp;Sơ đồ block</translation>
    </message>
    <message>
        <source>C&amp;harts</source>
        <translation>&amp;Biểu đồ</translation>
    </message>
    <message>
        <source>&amp;Layers</source>
        <translation>&amp;Các lớp</translation>
    </message>
    <message>
        <source>Classify &amp;&amp; &amp;features</source>
        <translation>&amp;Phân loại &amp;&amp; đặc trưng</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>&amp;Huấn luyện</translation>
    </message>
    <message>
        <source>E&amp;xperiments</source>
        <translation>&amp;Thí nghiệm</translation>
    </message>
    <message>
        <source>&amp;Groups</source>
        <translation>&amp;Nhóm</translation>
    </message>
    <message>
        <source>C&amp;ost</source>
        <translation>&amp;Chi phí</translation>
    </message>
    <message>
        <source>ResNeXt Explorer</source>
        <translation>ResNeXt Explorer</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>Kiến trúc</translation>
    </message>
    <message>
        <source>Complexity</source>
        <translation>Độ phức tạp</translation>
    </message>
    <message>
        <source>Stage:</source>
        <translation>Stage:</translation>
    </message>
    <message>
        <source>Which stage&apos;s block to draw; channel counts double from stage to stage.</source>
        <translation>Vẽ block của stage nào; số kênh tăng gấp đôi từ stage này sang stage sau.</translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation>Bài học</translation>
    </message>
    <message>
        <source>Classify an image first (the Classify tab, or &quot;Show me&quot;): the forms are compared on the image shown there.</source>
        <translation>Hãy phân loại một ảnh trước (thẻ Phân loại, hoặc &quot;Cho tôi xem&quot;): các dạng được so sánh trên ảnh đang hiển thị ở đó.</translation>
    </message>
    <message>
        <source>On this image, the largest difference between forms (a) and (b) is %1 in the logits and %2 in %3&apos;s output; between (a) and (c) %4 and %5. The logits are up to %6 and the block&apos;s outputs up to %7: the three forms compute the same function, to float rounding.</source>
        <translation>Trên ảnh này, chênh lệch lớn nhất giữa dạng (a) và (b) là %1 ở logit và %2 ở đầu ra của %3; giữa (a) và (c) là %4 và %5. Logit có độ lớn tới %6 và đầu ra của block tới %7: ba dạng tính cùng một hàm, chỉ khác nhau do làm tròn số thực.</translation>
    </message>
    <message>
        <source>Engine ready: %1</source>
        <translation>Engine đã sẵn sàng: %1</translation>
    </message>
    <message>
        <source>New here? Start the lesson</source>
        <translation>Lần đầu dùng? Bắt đầu bài học</translation>
    </message>
    <message>
        <source>A guided walk through the ResNeXt paper beside the live views (Help &gt; Lesson).</source>
        <translation>Một hành trình có hướng dẫn qua bài báo ResNeXt, bên cạnh các hiển thị trực tiếp (Trợ giúp &gt; Bài học).</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Tệp</translation>
    </message>
    <message>
        <source>Open images</source>
        <translation>Mở ảnh</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff);;All files (*)</source>
        <translation>Ảnh (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff);;Mọi tệp (*)</translation>
    </message>
    <message>
        <source>&amp;Open image...</source>
        <translation>&amp;Mở ảnh...</translation>
    </message>
    <message>
        <source>Open &amp;video...</source>
        <translation>Mở &amp;video...</translation>
    </message>
    <message>
        <source>Open video</source>
        <translation>Mở video</translation>
    </message>
    <message>
        <source>Videos (%1);;All files (*)</source>
        <translation>Video (%1);;Mọi tệp (*)</translation>
    </message>
    <message>
        <source>Ctrl+Alt+O</source>
        <translation>Ctrl+Alt+O</translation>
    </message>
    <message>
        <source>&amp;Paste image</source>
        <translation>&amp;Dán ảnh</translation>
    </message>
    <message>
        <source>Open &amp;weights (.pth, .safetensors)...</source>
        <translation>Mở &amp;trọng số (.pth, .safetensors)...</translation>
    </message>
    <message>
        <source>Ctrl+Shift+O</source>
        <translation>Ctrl+Shift+O</translation>
    </message>
    <message>
        <source>Save weights...</source>
        <translation>Lưu trọng số...</translation>
    </message>
    <message>
        <source>Save weights</source>
        <translation>Lưu trọng số</translation>
    </message>
    <message>
        <source>safetensors (*.safetensors)</source>
        <translation>safetensors (*.safetensors)</translation>
    </message>
    <message>
        <source>Export layer &amp;table...</source>
        <translation>Xuất &amp;bảng lớp...</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>Export &amp;charts...</source>
        <translation>Xuất &amp;biểu đồ...</translation>
    </message>
    <message>
        <source>Ctrl+Shift+E</source>
        <translation>Ctrl+Shift+E</translation>
    </message>
    <message>
        <source>Save window &amp;snapshot...</source>
        <translation>Lưu ảnh &amp;chụp cửa sổ...</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>T&amp;hoát</translation>
    </message>
    <message>
        <source>&amp;Camera</source>
        <translation>&amp;Camera</translation>
    </message>
    <message>
        <source>No camera found</source>
        <translation>Không tìm thấy camera</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>&amp;Mô hình</translation>
    </message>
    <message>
        <source>&amp;Pin current model for comparison</source>
        <translation>&amp;Ghim mô hình hiện tại để so sánh</translation>
    </message>
    <message>
        <source>Ctrl+P</source>
        <translation>Ctrl+P</translation>
    </message>
    <message>
        <source>Keep the current model as a third column and series, then change the sliders to compare.</source>
        <translation>Giữ mô hình hiện tại thành cột và chuỗi thứ ba, rồi thay đổi thanh trượt để so sánh.</translation>
    </message>
    <message>
        <source>&amp;Clear pinned model</source>
        <translation>&amp;Bỏ ghim mô hình</translation>
    </message>
    <message>
        <source>&amp;Hold complexity at ResNet&apos;s</source>
        <translation>&amp;Giữ độ phức tạp bằng ResNet</translation>
    </message>
    <message>
        <source>Ctrl+H</source>
        <translation>Ctrl+H</translation>
    </message>
    <message>
        <source>&amp;Reset to ResNeXt-50 32x4d</source>
        <translation>&amp;Đặt lại về ResNeXt-50 32x4d</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>Classify with the &amp;built-in Fashion-MNIST model</source>
        <translation>Phân loại bằng mô hình Fashion-MNIST &amp;có sẵn</translation>
    </message>
    <message>
        <source>Classify with &amp;random weights of the sliders&apos; model</source>
        <translation>Phân loại bằng trọng số &amp;ngẫu nhiên của mô hình trên thanh trượt</translation>
    </message>
    <message>
        <source>E&amp;xport</source>
        <translation>&amp;Xuất</translation>
    </message>
    <message>
        <source>&amp;PyTorch code...</source>
        <translation>Mã &amp;PyTorch...</translation>
    </message>
    <message>
        <source>PyTorch code and &amp;training script (torchrun)...</source>
        <translation>Mã PyTorch và script &amp;huấn luyện (torchrun)...</translation>
    </message>
    <message>
        <source>&amp;Copy PyTorch code</source>
        <translation>&amp;Sao chép mã PyTorch</translation>
    </message>
    <message>
        <source>Copied PyTorch code for %1</source>
        <translation>Đã sao chép mã PyTorch cho %1</translation>
    </message>
    <message>
        <source>&amp;ONNX of the classifying model...</source>
        <translation>&amp;ONNX của mô hình đang phân loại...</translation>
    </message>
    <message>
        <source>No model to export yet: classify an image or open weights first</source>
        <translation>Chưa có mô hình để xuất: hãy phân loại một ảnh hoặc mở trọng số trước</translation>
    </message>
    <message>
        <source>Export ONNX</source>
        <translation>Xuất ONNX</translation>
    </message>
    <message>
        <source>ONNX (*.onnx)</source>
        <translation>ONNX (*.onnx)</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>Đã ghi %1</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Xem</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Ngôn ngữ</translation>
    </message>
    <message>
        <source>The window&apos;s language; it changes at the next start.</source>
        <translation>Ngôn ngữ của cửa sổ; thay đổi có hiệu lực ở lần khởi động sau.</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Theo hệ thống</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Trợ giúp</translation>
    </message>
    <message>
        <source>&amp;Lesson</source>
        <translation>&amp;Bài học</translation>
    </message>
    <message>
        <source>Ctrl+L</source>
        <translation>Ctrl+L</translation>
    </message>
    <message>
        <source>&amp;About ResNeXt Explorer</source>
        <translation>&amp;Giới thiệu ResNeXt Explorer</translation>
    </message>
    <message>
        <source>Pinned %1 for comparison</source>
        <translation>Đã ghim %1 để so sánh</translation>
    </message>
    <message>
        <source>layer%1</source>
        <translation>layer%1</translation>
    </message>
    <message>
        <source>%1 - ResNeXt Explorer</source>
        <translation>%1 - ResNeXt Explorer</translation>
    </message>
    <message>
        <source>Settings file %1 could not be read (%2); using defaults.</source>
        <translation>Không đọc được tệp thiết lập %1 (%2); dùng giá trị mặc định.</translation>
    </message>
    <message>
        <source>format error</source>
        <translation>lỗi định dạng</translation>
    </message>
    <message>
        <source>access error</source>
        <translation>lỗi truy cập</translation>
    </message>
    <message>
        <source>Settings file %1 is not a ResNeXt Explorer settings file (no version number); using defaults.</source>
        <translation>Tệp thiết lập %1 không phải tệp thiết lập của ResNeXt Explorer (không có số phiên bản); dùng giá trị mặc định.</translation>
    </message>
    <message>
        <source>Settings file %1 is from another version (%2; this program writes %3); using defaults.</source>
        <translation>Tệp thiết lập %1 thuộc phiên bản khác (%2; chương trình này ghi %3); dùng giá trị mặc định.</translation>
    </message>
    <message>
        <source>Settings file %1: %2; using defaults.</source>
        <translation>Tệp thiết lập %1: %2; dùng giá trị mặc định.</translation>
    </message>
    <message>
        <source>Settings file %1: inference/path &apos;%2&apos; is not fast, fast-bf16 or plain; using the default.</source>
        <translation>Tệp thiết lập %1: inference/path &apos;%2&apos; không phải fast, fast-bf16 hay plain; dùng giá trị mặc định.</translation>
    </message>
    <message>
        <source>The language changes at the next start (%1).</source>
        <translation>Ngôn ngữ sẽ đổi ở lần khởi động sau (%1).</translation>
    </message>
    <message>
        <source>the system&apos;s</source>
        <translation>theo hệ thống</translation>
    </message>
    <message>
        <source>pasted image</source>
        <translation>ảnh đã dán</translation>
    </message>
    <message>
        <source>The clipboard holds text that is not the path of an existing file: &quot;%1&quot;.</source>
        <translation>Bộ nhớ tạm chứa văn bản không phải đường dẫn của một tệp có thật: &quot;%1&quot;.</translation>
    </message>
    <message>
        <source>The clipboard holds no image and no file path.</source>
        <translation>Bộ nhớ tạm không chứa ảnh hay đường dẫn tệp nào.</translation>
    </message>
    <message>
        <source>dropped image</source>
        <translation>ảnh đã thả</translation>
    </message>
    <message>
        <source>Export PyTorch code</source>
        <translation>Xuất mã PyTorch</translation>
    </message>
    <message>
        <source>Python (*.py)</source>
        <translation>Python (*.py)</translation>
    </message>
    <message>
        <source>Wrote %1 and train.py beside it</source>
        <translation>Đã ghi %1 và train.py bên cạnh</translation>
    </message>
    <message>
        <source>Export layer table</source>
        <translation>Xuất bảng lớp</translation>
    </message>
    <message>
        <source>CSV (*.csv);;Markdown (*.md)</source>
        <translation>CSV (*.csv);;Markdown (*.md)</translation>
    </message>
    <message>
        <source>Export charts</source>
        <translation>Xuất biểu đồ</translation>
    </message>
    <message>
        <source>PNG images (*.png);;PDF documents (*.pdf)</source>
        <translation>Ảnh PNG (*.png);;Tài liệu PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Save window snapshot</source>
        <translation>Lưu ảnh chụp cửa sổ</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>Ảnh PNG (*.png)</translation>
    </message>
    <message>
        <source>About ResNeXt Explorer</source>
        <translation>Giới thiệu ResNeXt Explorer</translation>
    </message>
    <message>
        <source>&lt;h3&gt;ResNeXt Explorer %1&lt;/h3&gt;&lt;p&gt;Explore &lt;i&gt;Aggregated Residual Transformations for Deep Neural Networks&lt;/i&gt; (Xie, Girshick, Doll&amp;aacute;r, Tu, He; CVPR 2017).&lt;/p&gt;&lt;p&gt;A ResNeXt block splits its input into &lt;b&gt;C&lt;/b&gt; paths (the &lt;b&gt;cardinality&lt;/b&gt;), transforms each with a narrow bottleneck of width &lt;b&gt;d&lt;/b&gt;, and merges them by summation. The three forms of the paper&apos;s Fig. 3 compute the same function; the grouped convolution is the fast one.&lt;/p&gt;&lt;p&gt;Counts follow torchvision/fvcore: MACs of conv and linear layers; FLOPs = 2 x MACs. They equal torchvision&apos;s to the unit.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;ResNeXt Explorer %1&lt;/h3&gt;&lt;p&gt;Khám phá bài báo &lt;i&gt;Aggregated Residual Transformations for Deep Neural Networks&lt;/i&gt; (Xie, Girshick, Doll&amp;aacute;r, Tu, He; CVPR 2017).&lt;/p&gt;&lt;p&gt;Một block ResNeXt chia đầu vào thành &lt;b&gt;C&lt;/b&gt; path (&lt;b&gt;cardinality&lt;/b&gt;), biến đổi mỗi path bằng một bottleneck hẹp có độ rộng &lt;b&gt;d&lt;/b&gt;, rồi tổng hợp chúng bằng phép cộng (split-transform-merge). Ba dạng trong Hình 3 của bài báo tính cùng một hàm; grouped convolution là dạng nhanh.&lt;/p&gt;&lt;p&gt;Cách đếm theo torchvision/fvcore: MACs của các lớp conv và tuyến tính; FLOPs = 2 x MACs. Chúng khớp với torchvision tới từng đơn vị.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Settings file %1 is not a regular file; using defaults.</source>
        <translation>Tệp cài đặt %1 không phải là tệp thông thường; dùng giá trị mặc định.</translation>
    </message>
    <message>
        <source>&amp;Paper</source>
        <translation>&amp;Bài báo</translation>
    </message>
</context>
<context>
    <name>ModelService</name>
    <message>
        <source>Cancelled.</source>
        <translation>Đã hủy.</translation>
    </message>
    <message>
        <source>LibTorch %1, %2 CPU threads%3</source>
        <translation>LibTorch %1, %2 luồng CPU%3</translation>
    </message>
    <message>
        <source>, CUDA: %1</source>
        <translation>, CUDA: %1</translation>
    </message>
    <message>
        <source>, no CUDA</source>
        <translation>, không có CUDA</translation>
    </message>
    <message>
        <source>Plain LibTorch modules (eager).</source>
        <translation>Các module LibTorch thường (eager).</translation>
    </message>
    <message>
        <source>oneDNN, FP32: prepared in %1 ms (BatchNorm folded, weights prepacked).</source>
        <translation>oneDNN, FP32: chuẩn bị trong %1 ms (gộp BatchNorm, đóng gói sẵn trọng số).</translation>
    </message>
    <message>
        <source>BF16: no sample images found to measure its agreement with FP32.</source>
        <translation>BF16: không tìm thấy ảnh mẫu để đo mức khớp với FP32.</translation>
    </message>
    <message>
        <source>BF16: %1.</source>
        <translation>BF16: %1.</translation>
    </message>
    <message>
        <source>%1 (%2) on %3</source>
        <translation>%1 (%2) trên %3</translation>
    </message>
    <message>
        <source>Loaded only the matching tensors of %1: %2 missing, %3 unexpected, %4 of the wrong shape were left at their initial values.</source>
        <translation>Chỉ nạp các tensor khớp của %1: %2 thiếu, %3 thừa, %4 sai kích thước được để ở giá trị khởi tạo.</translation>
    </message>
    <message>
        <source>the image dropped so far</source>
        <translation>ảnh đã thả</translation>
    </message>
    <message>
        <source>the %1 images dropped so far</source>
        <translation>%1 ảnh đã thả</translation>
    </message>
    <message>
        <source>CUDA is not available; measuring on the CPU.</source>
        <translation>CUDA không khả dụng; đo trên CPU.</translation>
    </message>
    <message>
        <source>Fashion-MNIST test image %1 (%2)</source>
        <translation>Ảnh kiểm tra Fashion-MNIST %1 (%2)</translation>
    </message>
    <message>
        <source>%1 failed (%2); staying on the CPU.</source>
        <translation>%1 thất bại (%2); vẫn ở trên CPU.</translation>
    </message>
    <message>
        <source>CUDA is not available in this build or on this machine; using the CPU.</source>
        <translation>CUDA không có trong bản dựng này hoặc trên máy này; dùng CPU.</translation>
    </message>
    <message>
        <source>CUDA failed (%1); using the CPU.</source>
        <translation>CUDA gặp lỗi (%1); dùng CPU.</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n weights are NaN or infinite; the outputs are meaningless.</source>
        <translation>
            <numerusform>%1: %n trọng số là NaN hoặc vô hạn; đầu ra không có ý nghĩa.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 does not match the model it describes; &quot;Load anyway&quot; loads only the tensors that match. Details: %2.</source>
        <extracomment>%1 = the weights file, %2 = core&apos;s details (English): N missing (names); M unexpected (names)</extracomment>
        <translation>%1 không khớp với mô hình mà nó mô tả; nút &quot;Vẫn nạp&quot; chỉ nạp các tensor khớp. Chi tiết: %2.</translation>
    </message>
</context>
<context>
    <name>PaperText</name>
    <message>
        <source>%1×%1, %2, stride %3</source>
        <translation>%1×%1, %2, bước %3</translation>
    </message>
    <message>
        <source>%1×%1 max pool, stride %2</source>
        <translation>max pool %1×%1, bước %2</translation>
    </message>
    <message>
        <source>global average pool
%1-d fc, softmax</source>
        <translation>global average pool
fc %1 chiều, softmax</translation>
    </message>
    <message>
        <source>Table 1 of the paper: ResNet-50 and ResNeXt-50 (32×4d), stage by stage, from the layer plan</source>
        <translation>Bảng 1 của bài báo: ResNet-50 và ResNeXt-50 (32×4d) theo từng tầng, dựng từ kế hoạch lớp</translation>
    </message>
    <message>
        <source>stage</source>
        <translation>tầng</translation>
    </message>
    <message>
        <source>output</source>
        <translation>đầu ra</translation>
    </message>
    <message>
        <source>blocks</source>
        <translation>số block</translation>
    </message>
    <message>
        <source>ResNet-50</source>
        <translation>ResNet-50</translation>
    </message>
    <message>
        <source>params</source>
        <translation>tham số</translation>
    </message>
    <message>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <source>ResNeXt-50 (32×4d)</source>
        <translation>ResNeXt-50 (32×4d)</translation>
    </message>
    <message>
        <source># params</source>
        <translation>số tham số</translation>
    </message>
    <message>
        <source>paper: %1</source>
        <translation>bài báo: %1</translation>
    </message>
    <message>
        <source>FLOPs</source>
        <translation>FLOPs</translation>
    </message>
    <message>
        <source>The paper&apos;s &quot;FLOPs&quot; are multiply-adds: the app&apos;s MACs. In floating-point operations (2 × MACs) ResNet-50 is %1 and ResNeXt-50 %2.</source>
        <translation>&quot;FLOPs&quot; của bài báo là số phép nhân-cộng: chính là MACs của ứng dụng. Tính theo phép toán dấu phẩy động (2 × MACs), ResNet-50 là %1 và ResNeXt-50 là %2.</translation>
    </message>
    <message>
        <source>Params include BatchNorm and the fc bias; MACs count convolutions and the fc (torchvision&apos;s convention). The paper prints 25.5 for 25.56 million.</source>
        <translation>Số tham số gồm cả BatchNorm và bias của fc; MACs tính các lớp tích chập và fc (quy ước của torchvision). Bài báo in 25.5 cho 25,56 triệu.</translation>
    </message>
    <message>
        <source>Table 2 of the paper, computed for %1: cardinality C and bottleneck width d at about its complexity (matched by %2)</source>
        <translation>Bảng 2 của bài báo, tính cho %1: cardinality C và độ rộng bottleneck d ở độ phức tạp xấp xỉ của nó (khớp theo %2)</translation>
    </message>
    <message>
        <source>cardinality C</source>
        <translation>cardinality C</translation>
    </message>
    <message>
        <source>width d</source>
        <translation>độ rộng d</translation>
    </message>
    <message>
        <source>width of group conv
(conv2, C × d)</source>
        <translation>độ rộng group conv
(conv2, C × d)</translation>
    </message>
    <message>
        <source>MACs (paper&apos;s FLOPs)</source>
        <translation>MACs (FLOPs của bài báo)</translation>
    </message>
    <message>
        <source>Table 2 is about bottleneck blocks; the shown model has basic blocks (C = 1, d = 64).</source>
        <translation>Bảng 2 nói về block bottleneck; mô hình đang hiển thị dùng block cơ bản (C = 1, d = 64).</translation>
    </message>
    <message>
        <source>For ResNet-50 the paper lists d = 64, 40, 24, 14, 4 and group-conv widths 64, 80, 96, 112, 128.</source>
        <translation>Với ResNet-50, bài báo ghi d = 64, 40, 24, 14, 4 và độ rộng group conv 64, 80, 96, 112, 128.</translation>
    </message>
    <message>
        <source>The highlighted row is the model shown: turn on Hold complexity and set C to walk the table.</source>
        <translation>Hàng được tô sáng là mô hình đang hiển thị: bật Giữ độ phức tạp và đặt C để đi qua từng hàng của bảng.</translation>
    </message>
    <message>
        <source>The paper&apos;s &quot;FLOPs&quot; are multiply-adds: the app&apos;s MACs.</source>
        <translation>&quot;FLOPs&quot; của bài báo là số phép nhân-cộng: chính là MACs của ứng dụng.</translation>
    </message>
    <message>
        <source>%1 ± %2 (n = %3)</source>
        <extracomment>Miniature test error: mean ± standard deviation over n seeds.</extracomment>
        <translation>%1 ± %2 (n = %3)</translation>
    </message>
    <message>
        <source>table</source>
        <translation>bảng</translation>
    </message>
    <message>
        <source>model</source>
        <translation>mô hình</translation>
    </message>
    <message>
        <source>setting</source>
        <translation>cấu hình</translation>
    </message>
    <message>
        <source>paper
top-1 err. (%)</source>
        <translation>bài báo
lỗi top-1 (%)</translation>
    </message>
    <message>
        <source>paper
top-5 err. (%)</source>
        <translation>bài báo
lỗi top-5 (%)</translation>
    </message>
    <message>
        <source>app: params</source>
        <translation>ứng dụng: tham số</translation>
    </message>
    <message>
        <source>app: MACs
(paper&apos;s FLOPs)</source>
        <translation>ứng dụng: MACs
(FLOPs của bài báo)</translation>
    </message>
    <message>
        <source>app: miniature
error (%)</source>
        <translation>ứng dụng: lỗi
thu nhỏ (%)</translation>
    </message>
    <message>
        <source>Miniature: test error of the Experiments tab&apos;s last run (%1; %2).</source>
        <translation>Thu nhỏ: lỗi trên tập test của lần chạy gần nhất ở thẻ Thí nghiệm (%1; %2).</translation>
    </message>
    <message>
        <source>The miniature column fills in when the matching sweep has run on the Experiments tab.</source>
        <translation>Cột thu nhỏ được điền khi thí nghiệm tương ứng đã chạy ở thẻ Thí nghiệm.</translation>
    </message>
    <message>
        <source>Errors are the paper&apos;s single-crop ImageNet-1K validation figures; the paper&apos;s &quot;FLOPs&quot; are multiply-adds: the app&apos;s MACs.</source>
        <translation>Tỉ lệ lỗi là số liệu của bài báo trên tập validation ImageNet-1K, một lần cắt ảnh (single-crop); &quot;FLOPs&quot; của bài báo là số phép nhân-cộng: chính là MACs của ứng dụng.</translation>
    </message>
    <message>
        <source>Table 3 of the paper: cardinality at preserved complexity (ResNet-50, top; ResNet-101, bottom), beside the app&apos;s counts</source>
        <translation>Bảng 3 của bài báo: cardinality ở độ phức tạp giữ nguyên (ResNet-50 ở trên, ResNet-101 ở dưới), bên cạnh số liệu của ứng dụng</translation>
    </message>
    <message>
        <source>Tables 4 and 5 of the paper: twice the complexity of ResNet-101 (224×224), and the state of the art at 320×320 / 299×299, beside the app&apos;s counts</source>
        <translation>Bảng 4 và 5 của bài báo: gấp đôi độ phức tạp của ResNet-101 (224×224), và các mô hình tốt nhất ở 320×320 / 299×299, bên cạnh số liệu của ứng dụng</translation>
    </message>
    <message>
        <source>Table 5&apos;s 224×224 rows repeat Table 4&apos;s (ResNet-101 22.0, ResNet-200 21.7, ResNeXt-101 64×4d 20.4).</source>
        <translation>Các hàng 224×224 của Bảng 5 lặp lại Bảng 4 (ResNet-101 22.0, ResNet-200 21.7, ResNeXt-101 64×4d 20.4).</translation>
    </message>
</context>
<context>
    <name>PaperView</name>
    <message>
        <source>Table 1: ResNet-50 / ResNeXt-50</source>
        <translation>Bảng 1: ResNet-50 / ResNeXt-50</translation>
    </message>
    <message>
        <source>Table 2: C and d</source>
        <translation>Bảng 2: C và d</translation>
    </message>
    <message>
        <source>Table 3: cardinality</source>
        <translation>Bảng 3: cardinality</translation>
    </message>
    <message>
        <source>Tables 4-5: 2x complexity</source>
        <translation>Bảng 4-5: độ phức tạp 2x</translation>
    </message>
    <message>
        <source>Table 2 cannot be computed for this model: %1</source>
        <translation>Không tính được Bảng 2 cho mô hình này: %1</translation>
    </message>
</context>
<context>
    <name>Presenter</name>
    <message>
        <source>Presenter</source>
        <translation>Trình chiếu</translation>
    </message>
    <message>
        <source>&amp;Present (full screen)</source>
        <translation>&amp;Trình chiếu (toàn màn hình)</translation>
    </message>
    <message>
        <source>Full screen, docks folded into a bar, high-contrast plots; Page Down / Page Up walk the saved views, Space plays the video and the arrows step it a frame on or back.</source>
        <translation>Toàn màn hình, các dock thu gọn vào một thanh, đồ thị tương phản cao; Page Down / Page Up đi qua các khung nhìn đã lưu, phím cách phát video và các phím mũi tên bước tới hoặc lùi một khung hình.</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>Phóng &amp;to</translation>
    </message>
    <message>
        <source>Ctrl+=</source>
        <translation>Ctrl+=</translation>
    </message>
    <message>
        <source>Ctrl++</source>
        <translation>Ctrl++</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>Thu &amp;nhỏ</translation>
    </message>
    <message>
        <source>Ctrl+-</source>
        <translation>Ctrl+-</translation>
    </message>
    <message>
        <source>&amp;Normal size</source>
        <translation>Cỡ &amp;bình thường</translation>
    </message>
    <message>
        <source>Ctrl+0</source>
        <translation>Ctrl+0</translation>
    </message>
    <message>
        <source>&amp;Add this view to the presentation</source>
        <translation>Thê&amp;m khung nhìn này vào bài trình chiếu</translation>
    </message>
    <message>
        <source>C&amp;lear the presentation&apos;s views</source>
        <translation>&amp;Xoá các khung nhìn của bài trình chiếu</translation>
    </message>
    <message>
        <source>Previous view</source>
        <translation>Khung nhìn trước</translation>
    </message>
    <message>
        <source>Next view</source>
        <translation>Khung nhìn sau</translation>
    </message>
    <message numerus="yes">
        <source>Presenting: F11 or Esc ends; Page Down / Page Up walk the saved views (%n saved).</source>
        <translation>
            <numerusform>Đang trình chiếu: F11 hoặc Esc để thoát; Page Down / Page Up đi qua các khung nhìn đã lưu (%n đã lưu).</numerusform>
        </translation>
    </message>
    <message>
        <source>Zoom %1%</source>
        <translation>Thu phóng %1%</translation>
    </message>
    <message>
        <source>View %1 added to the presentation (Page Down / Page Up walk them).</source>
        <translation>Đã thêm khung nhìn %1 vào bài trình chiếu (Page Down / Page Up để đi qua).</translation>
    </message>
    <message>
        <source>The presentation&apos;s views are cleared.</source>
        <translation>Đã xoá các khung nhìn của bài trình chiếu.</translation>
    </message>
    <message>
        <source>View %1 cannot be shown: %2</source>
        <translation>Không hiển thị được khung nhìn %1: %2</translation>
    </message>
    <message>
        <source>View %1 of %2</source>
        <translation>Khung nhìn %1 / %2</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>seed %1</source>
        <translation>seed %1</translation>
    </message>
    <message>
        <source>test accuracy, mean ± std over seeds</source>
        <translation>độ chính xác kiểm tra, trung bình ± độ lệch chuẩn qua các seed</translation>
    </message>
    <message>
        <source>training loss (last epoch), mean ± std</source>
        <translation>loss huấn luyện (epoch cuối), trung bình ± độ lệch chuẩn</translation>
    </message>
    <message>
        <source>test accuracy (%)</source>
        <translation>độ chính xác kiểm tra (%)</translation>
    </message>
    <message>
        <source>training loss</source>
        <translation>loss huấn luyện</translation>
    </message>
    <message>
        <source>%1
%2 params
%3 MACs</source>
        <extracomment>an x-axis tick: the spec, its parameters and its MACs</extracomment>
        <translation>%1
%2 tham số
%3 MACs</translation>
    </message>
    <message>
        <source>cardinality C (log scale), with the solver&apos;s d</source>
        <translation>cardinality C (thang log), với d của bộ giải</translation>
    </message>
    <message>
        <source>cardinality C</source>
        <translation>cardinality C</translation>
    </message>
    <message>
        <source>%1: %2 of %3 runs, up to %4 seeds per point</source>
        <translation>%1: %2 trên %3 lần chạy, tối đa %4 seed mỗi điểm</translation>
    </message>
    <message>
        <source>%1: %2 -&gt; %3 channels, %4x%4 kernel, stride %5, %6 group(s)</source>
        <translation>%1: %2 -&gt; %3 kênh, kernel %4x%4, stride %5, %6 nhóm</translation>
    </message>
</context>
<context>
    <name>TopImagesView</name>
    <message>
        <source>Each group&apos;s images with the highest energy: click one to open it in the Classify tab.</source>
        <translation>Những ảnh có năng lượng cao nhất của mỗi nhóm: nhấn vào một ảnh để mở nó trong thẻ Phân loại.</translation>
    </message>
</context>
<context>
    <name>TrainPanel</name>
    <message>
        <source>Training</source>
        <translation>Huấn luyện</translation>
    </message>
    <message>
        <source>Fashion-MNIST (28x28 grey, 10 classes)</source>
        <translation>Fashion-MNIST (ảnh xám 28x28, 10 lớp)</translation>
    </message>
    <message>
        <source>Image folder...</source>
        <translation>Thư mục ảnh...</translation>
    </message>
    <message>
        <source>Fashion-MNIST comes from Debian&apos;s dataset-fashion-mnist. An image folder holds one sub-folder per class with PNG/JPEG files.</source>
        <translation>Fashion-MNIST lấy từ gói dataset-fashion-mnist của Debian. Một thư mục ảnh chứa mỗi lớp một thư mục con với các tệp PNG/JPEG.</translation>
    </message>
    <message>
        <source>&amp;Data</source>
        <translation>&amp;Dữ liệu</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Folder images are resized to this square size.</source>
        <translation>Ảnh trong thư mục được đổi cỡ về hình vuông cỡ này.</translation>
    </message>
    <message>
        <source>Folder input</source>
        <translation>Đầu vào thư mục</translation>
    </message>
    <message>
        <source>Built-in family (small, for 28x28)</source>
        <translation>Họ mô hình có sẵn (nhỏ, cho ảnh 28x28)</translation>
    </message>
    <message>
        <source>The explorer&apos;s sliders</source>
        <translation>Thanh trượt của explorer</translation>
    </message>
    <message>
        <source>Which architecture to train. The built-in family (CIFAR stem, 3 stages of 2 blocks, C = 8, d = 16) trains in minutes on a CPU; the sliders&apos; model may be ImageNet-sized.</source>
        <translation>Huấn luyện kiến trúc nào. Họ mô hình có sẵn (stem CIFAR, 3 stage mỗi stage 2 block, C = 8, d = 16) huấn luyện trong vài phút trên CPU; mô hình trên thanh trượt có thể to cỡ ImageNet.</translation>
    </message>
    <message>
        <source>&amp;Architecture</source>
        <translation>&amp;Kiến trúc</translation>
    </message>
    <message>
        <source>&amp;Epochs</source>
        <translation>&amp;Epoch</translation>
    </message>
    <message>
        <source>&amp;Batch</source>
        <translation>&amp;Batch</translation>
    </message>
    <message>
        <source>Peak learning rate of SGD (momentum 0.9, weight decay 5e-4, cosine schedule).</source>
        <translation>Learning rate cao nhất của SGD (momentum 0,9, weight decay 5e-4, lịch cosine).</translation>
    </message>
    <message>
        <source>&amp;Learning rate</source>
        <translation>&amp;Learning rate</translation>
    </message>
    <message>
        <source>&amp;Seed</source>
        <translation>&amp;Seed</translation>
    </message>
    <message>
        <source>all</source>
        <translation>tất cả</translation>
    </message>
    <message>
        <source>Train on the first N training images only, for a quick run (0 = all); validation and test then use at most N/2 images, balanced per class.</source>
        <translation>Chỉ huấn luyện trên N ảnh huấn luyện đầu tiên, để chạy nhanh (0 = tất cả); khi đó validation và kiểm tra dùng tối đa N/2 ảnh, cân bằng theo lớp.</translation>
    </message>
    <message>
        <source>Training &amp;images</source>
        <translation>Ảnh &amp;huấn luyện</translation>
    </message>
    <message>
        <source>&amp;Compare with the ResNet of equal complexity</source>
        <translation>&amp;So sánh với ResNet cùng độ phức tạp</translation>
    </message>
    <message>
        <source>Also train the ResNet (C = 1) whose parameter count is closest to this model&apos;s, with the same seed, data and schedule: the paper&apos;s claim, in miniature.</source>
        <translation>Huấn luyện thêm ResNet (C = 1) có số tham số gần nhất với mô hình này, cùng seed, dữ liệu và lịch: khẳng định của bài báo, ở dạng thu nhỏ.</translation>
    </message>
    <message>
        <source>Then &amp;classify with the trained model</source>
        <translation>Sau đó &amp;phân loại bằng mô hình đã huấn luyện</translation>
    </message>
    <message>
        <source>When on, the trained model replaces the one in the Classify tab as soon as it is tested. When off, the Classify tab keeps its model; a button offers the trained one.</source>
        <translation>Khi bật, mô hình đã huấn luyện thay mô hình trong thẻ Phân loại ngay khi được kiểm tra xong. Khi tắt, thẻ Phân loại giữ mô hình của nó; một nút cho phép dùng mô hình đã huấn luyện.</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>&amp;Huấn luyện</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Save model...</source>
        <translation>Lưu mô hình...</translation>
    </message>
    <message>
        <source>Classify with the trained model</source>
        <translation>Phân loại bằng mô hình đã huấn luyện</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>epoch</translation>
    </message>
    <message>
        <source>training loss</source>
        <translation>loss huấn luyện</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>độ chính xác (%)</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Mô hình</translation>
    </message>
    <message>
        <source>Params</source>
        <translation>Tham số</translation>
    </message>
    <message>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <source>s / epoch</source>
        <translation>giây / epoch</translation>
    </message>
    <message>
        <source>Test accuracy %</source>
        <translation>Độ chính xác kiểm tra %</translation>
    </message>
    <message>
        <source>Image folder (one sub-folder per class)</source>
        <translation>Thư mục ảnh (mỗi lớp một thư mục con)</translation>
    </message>
    <message>
        <source>Image folder: %1 (%2 classes)</source>
        <translation>Thư mục ảnh: %1 (%2 lớp)</translation>
    </message>
    <message>
        <source>%1 (trained) now classifies.</source>
        <translation>%1 (đã huấn luyện) giờ đang phân loại.</translation>
    </message>
    <message>
        <source>Save trained model</source>
        <translation>Lưu mô hình đã huấn luyện</translation>
    </message>
    <message>
        <source>safetensors (*.safetensors)</source>
        <translation>safetensors (*.safetensors)</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>Đã lưu %1</translation>
    </message>
    <message>
        <source>Training failed (see below); the classifier is unchanged.</source>
        <translation>Huấn luyện thất bại (xem bên dưới); bộ phân loại không đổi.</translation>
    </message>
    <message>
        <source>Training cancelled; the classifier is unchanged.</source>
        <translation>Đã hủy huấn luyện; bộ phân loại không đổi.</translation>
    </message>
    <message>
        <source>input %1x%1 RGB, %2 classes</source>
        <translation>đầu vào %1x%1 RGB, %2 lớp</translation>
    </message>
    <message>
        <source>input 28x28 grey, 10 classes</source>
        <translation>đầu vào ảnh xám 28x28, 10 lớp</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:#b00020&apos;&gt;%1&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#b00020&apos;&gt;%1&lt;/span&gt;</translation>
    </message>
    <message>
        <source>%1 from %2, %3: %4 params, %5 MACs per image</source>
        <translation>%1 từ %2, %3: %4 tham số, %5 MACs mỗi ảnh</translation>
    </message>
    <message>
        <source>the built-in family</source>
        <translation>họ mô hình có sẵn</translation>
    </message>
    <message>
        <source>the sliders</source>
        <translation>thanh trượt</translation>
    </message>
    <message>
        <source>the built-in model</source>
        <translation>mô hình có sẵn</translation>
    </message>
    <message>
        <source>Afterwards %1 (the first row, not the ResNet) classifies instead of %2.</source>
        <translation>Sau đó %1 (hàng đầu tiên, không phải ResNet) sẽ phân loại thay cho %2.</translation>
    </message>
    <message>
        <source>Afterwards %1 classifies instead of %2.</source>
        <translation>Sau đó %1 sẽ phân loại thay cho %2.</translation>
    </message>
    <message>
        <source>Afterwards %1 still classifies; a button offers the trained %2.</source>
        <translation>Sau đó %1 vẫn phân loại; một nút cho phép dùng %2 đã huấn luyện.</translation>
    </message>
    <message>
        <source>testing %p%</source>
        <translation>đang kiểm tra %p%</translation>
    </message>
    <message>
        <source>Run %1/%2: evaluating on the test set... %3 of %4 images</source>
        <translation>Lần chạy %1/%2: đang đánh giá trên tập kiểm tra... %3 trên %4 ảnh</translation>
    </message>
    <message>
        <source>Compare mode needs bottleneck blocks (the ResNeXt side has a grouped convolution).</source>
        <translation>Chế độ so sánh cần bottleneck block (phía ResNeXt có grouped convolution).</translation>
    </message>
    <message>
        <source>%1 train</source>
        <translation>%1 huấn luyện</translation>
    </message>
    <message>
        <source>%1 validation</source>
        <translation>%1 validation</translation>
    </message>
    <message>
        <source>Loading data...</source>
        <translation>Đang nạp dữ liệu...</translation>
    </message>
    <message>
        <source>Run %1/%2, epoch %3/%4, loss %5, %6 images/s, about %7 left</source>
        <translation>Lần chạy %1/%2, epoch %3/%4, loss %5, %6 ảnh/giây, còn khoảng %7</translation>
    </message>
    <message>
        <source>Done. %1 (trained, the first row) now classifies; save it to keep it.</source>
        <translation>Xong. %1 (đã huấn luyện, hàng đầu tiên) giờ đang phân loại; hãy lưu để giữ lại.</translation>
    </message>
    <message>
        <source>Done. The classifier is unchanged; &quot;Classify with the trained model&quot; uses %1 (the first row). Save it to keep it.</source>
        <translation>Xong. Bộ phân loại không đổi; &quot;Phân loại bằng mô hình đã huấn luyện&quot; dùng %1 (hàng đầu tiên). Hãy lưu để giữ lại.</translation>
    </message>
</context>
<context>
    <name>VideoPlayer</name>
    <message>
        <source>Pause</source>
        <translation>Tạm dừng</translation>
    </message>
    <message>
        <source>Play or pause the video (Grad-CAM is computed for the paused frame).</source>
        <translation>Phát hoặc tạm dừng video (Grad-CAM được tính cho khung hình đang dừng).</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Bước</translation>
    </message>
    <message>
        <source>Paused: read and classify the next frame.</source>
        <translation>Đang dừng: đọc và phân loại khung hình tiếp theo.</translation>
    </message>
    <message>
        <source>Loop</source>
        <translation>Lặp lại</translation>
    </message>
    <message>
        <source>Start a file again from its first frame when it ends.</source>
        <translation>Phát lại tệp từ khung hình đầu tiên khi hết.</translation>
    </message>
    <message>
        <source>Close video</source>
        <translation>Đóng video</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;: %2</translation>
    </message>
    <message>
        <source>live camera</source>
        <translation>camera trực tiếp</translation>
    </message>
    <message>
        <source>%1 frames at %2 frames/s</source>
        <translation>%1 khung hình, %2 khung hình/giây</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Phát</translation>
    </message>
    <message>
        <source>%1, frame %2 (%3 s)</source>
        <translation>%1, khung hình %2 (%3 giây)</translation>
    </message>
    <message>
        <source>Stopped: %1</source>
        <translation>Đã dừng: %1</translation>
    </message>
    <message>
        <source>frame %1 of %2</source>
        <translation>khung hình %1 trên %2</translation>
    </message>
    <message>
        <source>frame %1</source>
        <translation>khung hình %1</translation>
    </message>
    <message>
        <source> &amp;mdash; end of the video</source>
        <translation> &amp;mdash; hết video</translation>
    </message>
    <message>
        <source> &amp;mdash; paused</source>
        <translation> &amp;mdash; đang tạm dừng</translation>
    </message>
    <message>
        <source>capture: frames read per second (a file plays at its own rate); model: frames classified and shown per second (the newest frame is taken whenever the model is free, older ones are dropped); latency: from the frame&apos;s capture to its result on screen, the median of the last frames shown.</source>
        <translation>capture: số khung hình đọc mỗi giây (một tệp phát theo tốc độ riêng của nó); mô hình: số khung hình được phân loại và hiển thị mỗi giây (khung mới nhất được lấy mỗi khi mô hình rảnh, khung cũ hơn bị bỏ); độ trễ: từ lúc chụp khung hình tới lúc kết quả hiện trên màn hình, trung vị của các khung hiển thị gần nhất.</translation>
    </message>
    <message>
        <source>capture %1 frames/s &amp;middot; model %2 frames/s &amp;middot; latency %3 ms &amp;middot; %4 dropped &amp;middot; %5 (%6 s)%7</source>
        <translation>chụp %1 khung hình/giây &amp;middot; mô hình %2 khung hình/giây &amp;middot; độ trễ %3 ms &amp;middot; %4 bị bỏ &amp;middot; %5 (%6 giây)%7</translation>
    </message>
</context>
<context>
    <name>WeightsDialog</name>
    <message>
        <source>Open weights</source>
        <translation>Mở trọng số</translation>
    </message>
    <message>
        <source>If you have used torchvision or timm, your weights are already here (nothing is downloaded): %1 and %2.</source>
        <translation>Nếu bạn đã dùng torchvision hoặc timm, trọng số của bạn đã có ở đây (không tải gì xuống): %1 và %2.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Tên</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>Kiến trúc</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Kích thước</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Nguồn</translation>
    </message>
    <message>
        <source>%1 MB</source>
        <translation>%1 MB</translation>
    </message>
    <message>
        <source>No ResNet/ResNeXt weights in these caches yet: open a .pth or .safetensors file instead.</source>
        <translation>Chưa có trọng số ResNet/ResNeXt nào trong các bộ đệm này: hãy mở một tệp .pth hoặc .safetensors.</translation>
    </message>
    <message>
        <source>Other file...</source>
        <translation>Tệp khác...</translation>
    </message>
    <message>
        <source>Weights (*.safetensors *.pth *.pt *.bin)</source>
        <translation>Trọng số (*.safetensors *.pth *.pt *.bin)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Mọi tệp (*)</translation>
    </message>
</context>
</TS>
