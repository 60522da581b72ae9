"""The demo county's fixed tables: channels, townships and villages, units, project types.

Everything here is invented but modelled on county work reports: the names, document
numbers and wording are the ones a county finance bureau would write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from random import Random

from ..enums import FundCategory, Level

DEMO_YEAR = 2026
#: The demo's "today": every actual date is on or before it; some plans have passed it.
DEMO_TODAY = dt.date(2026, 11, 20)
#: The earliest a project enters the registry (项目库).
REGISTRY_OPENS = dt.date(2026, 1, 6)
SEED = 20261120
PROJECT_COUNT = 300
TENDER_THRESHOLD_WAN = 10  # 招标限额 10万元 (the app's default setting)

# --- funding channels ------------------------------------------------------------------


@dataclass(frozen=True)
class SourceSpec:
    code: str
    name: str
    level: Level
    category: FundCategory
    document_no: str
    amount_wan: int
    issued_on: dt.date
    #: (date, 万元, note) of each tranche that has arrived.
    arrivals: tuple[tuple[dt.date, int, str], ...]


def _d(month: int, day: int) -> dt.date:
    return dt.date(DEMO_YEAR, month, day)


SOURCES = (
    SourceSpec("ZY2026-01", "中央财政衔接推进乡村振兴补助资金", Level.CENTRAL,
               FundCategory.POVERTY, "豫财农〔2026〕12号", 7000, _d(1, 16),
               ((_d(2, 9), 3500, "第一批"), (_d(4, 14), 2500, "第二批"),
                (_d(7, 21), 1000, "第三批(清算)"))),
    SourceSpec("ZY2026-02", "中央财政农田建设补助资金", Level.CENTRAL,
               FundCategory.INTEGRATED, "豫财农〔2026〕35号", 4500, _d(3, 4),
               ((_d(3, 27), 2700, "第一批"), (_d(8, 12), 1300, "第二批"))),
    SourceSpec("ZY2026-03", "中央财政以工代赈资金", Level.CENTRAL,
               FundCategory.INTEGRATED, "豫发改振兴〔2026〕318号", 800, _d(10, 26), ()),
    SourceSpec("SJ2026-01", "省级财政衔接推进乡村振兴补助资金", Level.PROVINCIAL,
               FundCategory.POVERTY, "豫财农〔2026〕48号", 2000, _d(2, 25),
               ((_d(3, 19), 1200, "第一批"), (_d(6, 17), 800, "第二批"))),
    SourceSpec("SJ2026-02", "省级农村公路建设补助资金", Level.PROVINCIAL,
               FundCategory.INTEGRATED, "豫财建〔2026〕22号", 3800, _d(3, 12),
               ((_d(4, 9), 2200, "第一批"), (_d(9, 8), 800, "第二批"))),
    SourceSpec("SZ2026-01", "市级财政衔接推进乡村振兴补助资金", Level.CITY,
               FundCategory.POVERTY, "驻财农〔2026〕9号", 800, _d(3, 9),
               ((_d(4, 1), 800, "一次性到位"),)),
    SourceSpec("XJ2026-01", "县本级统筹整合涉农资金", Level.COUNTY,
               FundCategory.INTEGRATED, "示财农〔2026〕6号", 4000, _d(1, 20),
               ((_d(1, 26), 2000, "年初预算安排"), (_d(5, 19), 1200, "第二批"),
                (_d(9, 15), 500, "第三批"))),
    SourceSpec("DX2026-01", "东西部协作资金(浙江省结对帮扶)", Level.OTHER,
               FundCategory.EAST_WEST, "浙豫协作〔2026〕7号", 1200, _d(4, 22),
               ((_d(5, 8), 1200, "一次性到位"),)),
    SourceSpec("SH2026-01", "社会帮扶资金(定点帮扶单位捐赠)", Level.OTHER,
               FundCategory.SOCIAL, "示乡振组〔2026〕3号", 400, _d(3, 2),
               ((_d(3, 16), 250, "第一批捐赠"), (_d(8, 3), 100, "第二批捐赠"))),
)

#: Allocations are planned up to this share of what a channel issued (stay well within).
SOURCE_CAP = "0.95"

# --- townships, villages, units --------------------------------------------------------

TOWNSHIPS = {
    "城关镇": ("东街社区", "西关村", "南湖村", "北岗村", "十里铺村", "陈庄村"),
    "东关乡": ("东关村", "李楼村", "王岗村", "杨庄村", "大刘村"),
    "石桥镇": ("石桥村", "河口村", "柳树湾村", "黄土岭村", "新集村", "孙庄村"),
    "马岭乡": ("马岭村", "上寨村", "下寨村", "青龙沟村", "竹园村"),
    "龙潭镇": ("龙潭村", "梨园村", "白沙村", "高庙村", "碾盘沟村", "三岔河村"),
    "槐树乡": ("槐树村", "郭湾村", "周岗村", "刘河村", "新庄村"),
    "清河镇": ("清河村", "前营村", "后营村", "张集村", "吴寨村", "枣林村"),
    "白云山乡": ("白云村", "松林村", "石门村", "桃花峪村", "金竹坪村"),
}

#: 重点村: the priority (formerly poor) villages.
PRIORITY_VILLAGES = (
    "北岗村", "陈庄村", "王岗村", "大刘村", "黄土岭村", "柳树湾村", "上寨村", "下寨村",
    "青龙沟村", "碾盘沟村", "三岔河村", "刘河村", "吴寨村", "石门村", "桃花峪村", "金竹坪村",
)

#: Responsible units other than the township governments ("乡镇" in a project type).
TRANSPORT = "县交通运输局"
WATER = "县水利局"
AGRICULTURE = "县农业农村局"
REVITALIZATION = "县乡村振兴局"
HOUSING = "县住房和城乡建设局"
DEVELOPMENT = "县发展和改革委员会"
LABOUR = "县人力资源和社会保障局"
TOWNSHIP_GOV = "乡镇"

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑"
    "梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜程魏苏丁"
)
GIVEN_NAMES = (
    "建国", "志强", "海涛", "红梅", "国庆", "振华", "丽娟", "永刚", "晓东", "春燕", "德明",
    "卫东", "桂英", "新民", "俊杰", "玉兰", "文斌", "保国", "秀云", "学军", "宏伟", "金凤",
    "立新", "明", "军", "勇", "静", "磊", "伟", "超", "鹏飞", "长青", "富贵", "爱华", "敏",
)
AREA_CODE = "0396"

PAYEES = {
    "road": ("河南中原路桥建设有限公司", "驻马店市公路工程有限公司", "河南恒通交通工程有限公司"),
    "water": ("河南豫水水利工程有限公司", "驻马店市水利建筑工程有限公司",
              "河南润泽水务工程有限公司"),
    "building": ("河南天鸿建设工程有限公司", "河南宏达建筑安装有限公司",
                 "信阳市金源建设工程有限公司"),
    "farm": ("河南丰源农业开发有限公司", "河南绿野农业科技有限公司"),
    "solar": ("河南晶阳光伏科技有限公司",),
    "lights": ("河南光华照明工程有限公司",),
    "training": ("县职业技术教育中心",),
    "bank": ("县农村商业银行",),
    "township": ("{township}财政所(惠民惠农一卡通代发)",),
}

# --- project types ---------------------------------------------------------------------


def _r(rng: Random, lo: float, hi: float, places: int = 0) -> float:
    value = rng.uniform(lo, hi)
    return round(value, places) if places else int(round(value))


@dataclass(frozen=True)
class ProjectType:
    key: str
    category: str
    #: "{village}", "{other}" (a neighbouring village), "{township}", "{product}".
    name: str
    unit: str
    wan: tuple[int, int]
    #: Channel codes, in order of preference.
    channels: tuple[str, ...]
    payee: str
    scope: Callable[[Random, float, str], str]
    weight: int
    #: Carried out in one village (else township-wide, at most once per township).
    village_level: bool = True
    #: Built by a contractor (paid an advance at the start).
    construction: bool = True
    #: Tendered (or procured) above the threshold; not money paid out to households.
    tender: bool = True


ROAD_CHANNELS = ("SJ2026-02", "ZY2026-01", "XJ2026-01", "ZY2026-03")
POVERTY_CHANNELS = ("ZY2026-01", "SJ2026-01", "SZ2026-01", "XJ2026-01")
PRODUCTS = ("茶叶", "中药材", "食用菌", "猕猴桃", "花椒", "油茶", "设施蔬菜", "艾草", "软籽石榴")
ANIMALS = ("肉牛", "生猪", "湖羊", "蛋鸡", "黑山猪")
TRADES = ("电工、焊工", "家政服务、育婴", "中式烹调、面点", "农业实用技术", "电子商务")

PROJECT_TYPES = (
    ProjectType(
        "road", "基础设施", "{village}至{other}道路硬化工程", TRANSPORT, (50, 400),
        ROAD_CHANNELS, "road", weight=14,
        scope=lambda r, w, p: f"硬化道路{w / 75:.1f}公里,路面宽{r.choice(('4.5', '5', '6'))}米,"
        f"C30混凝土路面厚20厘米,配套错车道{_r(r, 2, 8)}处",
    ),
    ProjectType(
        "farm_road", "基础设施", "{village}生产道路建设项目", TOWNSHIP_GOV, (5, 30),
        ("XJ2026-01", "SZ2026-01", "ZY2026-01", "ZY2026-03"), "road", weight=8,
        scope=lambda r, w, p: f"新修砂石生产道路{w / 12:.1f}公里,宽3.5米,配套过水涵管"
        f"{_r(r, 2, 10)}处",
    ),
    ProjectType(
        "bridge", "基础设施", "{village}漫水桥改建工程", TRANSPORT, (30, 150),
        ("SJ2026-02", "ZY2026-01", "XJ2026-01"), "road", weight=3,
        scope=lambda r, w, p: f"拆除原漫水桥,新建钢筋混凝土板桥1座,长{_r(r, 12, 40)}米、"
        f"宽{r.choice(('5', '6.5', '7.5'))}米,配套引道{_r(r, 50, 200)}米",
    ),
    ProjectType(
        "water", "基础设施", "{village}农村供水巩固提升工程", WATER, (15, 200),
        ("ZY2026-01", "SJ2026-01", "XJ2026-01", "ZY2026-03"), "water", weight=10,
        scope=lambda r, w, p: f"新打机井{max(1, int(w // 60))}眼,新建{_r(r, 50, 200)}立方米"
        f"蓄水池1座,铺设PE供水管网{w / 25:.1f}公里,解决{_r(r, 80, 600)}户饮水安全",
    ),
    ProjectType(
        "irrigation", "基础设施", "{village}小型农田水利设施建设项目", WATER, (20, 250),
        ("ZY2026-02", "XJ2026-01", "ZY2026-01"), "water", weight=6,
        scope=lambda r, w, p: f"新建提灌站{max(1, int(w // 80))}座,修建U型灌溉渠道"
        f"{_r(r, 8, 15) * int(w)}米,配套农桥涵闸{_r(r, 3, 12)}座",
    ),
    ProjectType(
        "farmland", "基础设施", "{village}高标准农田建设项目", AGRICULTURE, (150, 500),
        ("ZY2026-02", "XJ2026-01"), "farm", weight=4,
        scope=lambda r, w, p: f"建设高标准农田{int(w * 3.2)}亩,配套田间道路{w / 60:.1f}公里、"
        f"排灌沟渠{_r(r, 2000, 6000)}米、机井{_r(r, 4, 15)}眼",
    ),
    ProjectType(
        "planting", "产业发展", "{village}{product}种植基地建设项目", AGRICULTURE, (20, 200),
        ("ZY2026-01", "SZ2026-01", "SJ2026-01", "DX2026-01"), "farm", weight=8,
        scope=lambda r, w, p: f"新建{p}种植基地{int(w * 4)}亩,配套滴灌管网{_r(r, 1500, 8000)}米、"
        f"生产便道{r.uniform(0.5, 2.5):.1f}公里,带动脱贫户{_r(r, 15, 90)}户",
    ),
    ProjectType(
        "breeding", "产业发展", "{village}{animal}养殖小区建设项目", AGRICULTURE, (30, 150),
        ("ZY2026-01", "SJ2026-01", "DX2026-01"), "building", weight=4,
        scope=lambda r, w, p: f"新建标准化圈舍{int(w * 12)}平方米,配套青贮池"
        f"{_r(r, 200, 800)}立方米及粪污处理设施,村集体所有、租赁经营",
    ),
    ProjectType(
        "workshop", "产业发展", "{village}就业帮扶车间建设项目", REVITALIZATION, (60, 300),
        ("DX2026-01", "ZY2026-01", "SJ2026-01"), "building", weight=3,
        scope=lambda r, w, p: f"新建钢结构标准化厂房{int(w * 10)}平方米,吸纳脱贫劳动力和"
        f"监测对象就业{_r(r, 20, 80)}人",
    ),
    ProjectType(
        "solar", "产业发展", "{village}村级光伏电站建设项目", REVITALIZATION, (40, 300),
        ("ZY2026-01", "SJ2026-01"), "solar", weight=3,
        scope=lambda r, w, p: f"建设村级光伏电站{int(w * 2.5)}千瓦,并网发电收益用于"
        "公益岗位和村级小型公益事业",
    ),
    ProjectType(
        "subsidy", "产业发展", "{township}产业发展到户奖补项目", AGRICULTURE, (8, 50),
        ("ZY2026-01", "SZ2026-01", "SJ2026-01"), "township", weight=3,
        village_level=False, construction=False, tender=False,
        scope=lambda r, w, p: f"对发展特色种养业的脱贫户和监测户{int(w * 5)}户给予到户奖补,"
        "每户不超过3000元",
    ),
    ProjectType(
        "credit", "产业发展", "{township}脱贫人口小额信贷贴息项目", REVITALIZATION, (5, 40),
        ("ZY2026-01", "SJ2026-01"), "bank", weight=2,
        village_level=False, construction=False, tender=False,
        scope=lambda r, w, p: f"对{int(w * 8)}户脱贫户发放的小额信贷按贷款市场报价利率给予全额贴息",
    ),
    ProjectType(
        "hall", "公共服务", "{village}党群服务中心建设项目", TOWNSHIP_GOV, (30, 120),
        ("XJ2026-01", "SH2026-01", "ZY2026-01"), "building", weight=4,
        scope=lambda r, w, p: f"新建村级党群服务中心{int(w * 6)}平方米,配套文化广场"
        f"{_r(r, 300, 1200)}平方米",
    ),
    ProjectType(
        "clinic", "公共服务", "{village}卫生室标准化建设项目", TOWNSHIP_GOV, (6, 35),
        ("XJ2026-01", "SH2026-01", "SZ2026-01"), "building", weight=3,
        scope=lambda r, w, p: f"新建标准化村卫生室{_r(r, 80, 160)}平方米,配置诊疗设备"
        f"{_r(r, 5, 20)}台(套)",
    ),
    ProjectType(
        "housing", "生活条件改善", "{township}农村低收入群体危房改造项目", HOUSING, (20, 150),
        ("ZY2026-01", "SJ2026-01", "XJ2026-01"), "township", weight=4,
        village_level=False, construction=False, tender=False,
        scope=lambda r, w, p: f"改造C级、D级危房{int(w / 2.5)}户,其中脱贫户"
        f"{int(w / 5)}户,户均补助2.5万元",
    ),
    ProjectType(
        "sanitation", "生活条件改善", "{village}人居环境整治项目", TOWNSHIP_GOV, (5, 40),
        ("XJ2026-01", "SZ2026-01", "SH2026-01", "ZY2026-01"), "building", weight=10,
        scope=lambda r, w, p: f"新建垃圾收集池{_r(r, 6, 30)}个,改建卫生户厕{int(w * 4)}座,"
        f"清理沟渠{_r(r, 800, 4000)}米",
    ),
    ProjectType(
        "lights", "生活条件改善", "{village}太阳能路灯安装项目", TOWNSHIP_GOV, (5, 20),
        ("XJ2026-01", "SH2026-01", "SZ2026-01", "DX2026-01"), "lights", weight=7,
        scope=lambda r, w, p: f"安装6米太阳能路灯{int(w * 14)}盏",
    ),
    ProjectType(
        "relocation", "生活条件改善", "{township}易地扶贫搬迁安置点配套提升项目", DEVELOPMENT,
        (50, 300), ("ZY2026-01", "SJ2026-01", "DX2026-01"), "building", weight=2,
        village_level=False,
        scope=lambda r, w, p: f"安置点硬化道路{int(w * 30)}平方米,新建公共厕所{_r(r, 1, 3)}座,"
        f"完善给排水管网{w / 40:.1f}公里,惠及搬迁群众{_r(r, 60, 300)}户",
    ),
    ProjectType(
        "training", "能力建设", "{township}脱贫劳动力技能培训项目", LABOUR, (5, 30),
        ("ZY2026-01", "SJ2026-01", "DX2026-01"), "training", weight=3,
        village_level=False, construction=False,
        scope=lambda r, w, p: f"开展{r.choice(TRADES)}等技能培训{max(1, int(w // 6))}期,"
        f"培训脱贫劳动力及监测对象{int(w * 12)}人次",
    ),
    ProjectType(
        "yulu", "能力建设", "{township}雨露计划职业教育补助项目", REVITALIZATION, (5, 25),
        ("ZY2026-01", "SJ2026-01"), "township", weight=2,
        village_level=False, construction=False, tender=False,
        scope=lambda r, w, p: f"对{int(w * 10000 // 3000)}名脱贫家庭在读中高职学生按每生"
        "每学期1500元给予补助",
    ),
)

# --- what the field writes in notes and memos ------------------------------------------

DELAY_NOTES = (
    "受雨季影响,工期顺延",
    "征地及群众协调未完成,暂缓施工",
    "设计变更,需重新评审",
    "施工单位进场滞后,已约谈整改",
    "资金未足额到位,暂缓招标",
    "冬季低温不宜混凝土施工,顺延至开春",
    "材料价格上涨,施工单位进度缓慢,已下达督办通知",
)
DONE_NOTES = {
    "立项入库": ("经县乡村振兴领导小组审定入库", "已在村、乡、县三级公示"),
    "项目评审": ("县评审中心评审通过", "专家评审通过,核减预算后入库"),
    "招标完成": ("公开招标,已签订施工合同", "竞争性磋商确定施工单位"),
    "验收": ("县行业主管部门组织验收合格", "乡镇初验、县级复验合格"),
    "报账": ("县级报账完成,资料已归档",),
}
DUPLICATE_MEMO = "凭证录入重复,红字冲回"
WRONG_PAYEE_MEMO = "收款单位填写错误,红字冲回后重新支付"
