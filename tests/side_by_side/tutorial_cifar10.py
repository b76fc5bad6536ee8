"""The code of PyTorch's "Training a Classifier" tutorial (60-minute blitz, cifar10_tutorial): the
LeNet-like Net (Conv2d, MaxPool2d, torch.flatten), CrossEntropyLoss and SGD with momentum over a
DataLoader, saving and loading the state_dict, ``torch.max(outputs, 1)`` predictions, overall and
per-class accuracy. Random CIFAR-shaped tensors in TensorDatasets replace torchvision's download
(160 training images, no image display); seeded; run with the library name as argument."""
import os
import sys
import tempfile
import warnings
from importlib import import_module

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
nn, F, optim = torch.nn, torch.nn.functional, torch.optim
data = import_module(sys.argv[1] + ".utils.data")
torch.manual_seed(0)

batch_size = 4
trainset = data.TensorDataset(torch.randn(160, 3, 32, 32), torch.randint(0, 10, (160,)))
testset = data.TensorDataset(torch.randn(40, 3, 32, 32), torch.arange(40) % 10)
trainloader = data.DataLoader(trainset, batch_size=batch_size, shuffle=True, num_workers=0)
testloader = data.DataLoader(testset, batch_size=batch_size, shuffle=False, num_workers=0)
classes = ("plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
images, labels = next(iter(trainloader))
print(images.shape, " ".join(f"{classes[labels[j]]:5s}" for j in range(batch_size)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


net = Net()
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
for epoch in range(2):
    running_loss = 0.0
    for i, (inputs, labels) in enumerate(trainloader, 0):
        optimizer.zero_grad()
        loss = criterion(net(inputs), labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
        if i % 20 == 19:
            print(f"[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 20:.3f}")
            running_loss = 0.0
print("Finished Training")

PATH = os.path.join(tempfile.mkdtemp(), "cifar_net.pth")
torch.save(net.state_dict(), PATH)
images, labels = next(iter(testloader))
print("GroundTruth: ", " ".join(f"{classes[labels[j]]:5s}" for j in range(4)))
net = Net()
net.load_state_dict(torch.load(PATH))
os.remove(PATH)
outputs = net(images)
energy, predicted = torch.max(outputs, 1)
print("Predicted: ", " ".join(f"{classes[predicted[j]]:5s}" for j in range(4)), energy.grad_fn.name())

correct = total = 0
with torch.no_grad():
    for images, labels in testloader:
        _, predicted = torch.max(net(images).data, 1)
        total += labels.size(0)
        correct += (predicted == labels).sum().item()
print(f"Accuracy of the network on the {total} test images: {100 * correct // total} %")
correct_pred = {classname: 0 for classname in classes}
total_pred = {classname: 0 for classname in classes}
with torch.no_grad():
    for images, labels in testloader:
        _, predictions = torch.max(net(images), 1)
        for label, prediction in zip(labels, predictions):
            if label == prediction:
                correct_pred[classes[label]] += 1
            total_pred[classes[label]] += 1
for classname, correct_count in correct_pred.items():
    print(f"Accuracy for class: {classname:5s} is {100 * float(correct_count) / total_pred[classname]:.1f} %")
print(torch.device("cuda:0" if torch.cuda.is_available() else "cpu"))
