"""Forward and backward time of each convolution of the built-in model at batch 128 (2 threads),
channels-last oneDNN vs NCHW oneDNN vs NCHW without oneDNN, in PyTorch eager: where training's
backward goes. Prints ms forward/backward, median of 4 runs after 2 warm-ups.
Usage: /usr/bin/python3 bench/conv_backward_bench.py   (shape: in, out, kernel, groups, size, stride)"""
import torch, time, torch.nn.functional as F
torch.set_num_threads(2)
shapes=[(16,32,1,1,28,1),(32,32,3,8,28,1),(32,64,1,1,28,1),(16,64,1,1,28,1),(64,32,1,1,28,1),
        (64,64,1,1,28,1),(64,64,3,8,28,2),(64,128,1,1,14,1),(64,128,1,1,28,2),(128,64,1,1,14,1),(64,64,3,8,14,1),
        (128,128,1,1,14,1),(128,128,3,8,14,2),(128,256,1,1,7,1)]
def bench(cin,cout,k,g,hw,s,fmt,mk):
    torch.backends.mkldnn.enabled=mk
    x=torch.randn(128,cin,hw,hw).contiguous(memory_format=fmt).requires_grad_()
    w=torch.randn(cout,cin//g,k,k).contiguous(memory_format=fmt).requires_grad_()
    ts=[]
    for i in range(6):
        t0=time.perf_counter(); y=F.conv2d(x,w,None,s,k//2,1,g); t1=time.perf_counter()
        y.backward(torch.ones_like(y)); t2=time.perf_counter(); ts.append((t1-t0,t2-t1))
    ts=sorted(ts[2:]); return ts[len(ts)//2]
for sh in shapes:
    r=[bench(*sh,fmt,mk) for fmt,mk in [(torch.channels_last,True),(torch.contiguous_format,True),(torch.channels_last,False)]]
    print(sh, " ".join("%.1f/%.1f"%(a*1e3,b*1e3) for a,b in r))
